/** The machine a benchmark ran on, recorded beside its numbers. */
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  arch: string;
  /** Other processes slow every contender alike; ratios measured in one run are the robust figure. */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    loadAverage: loadavg(),
  };
}
