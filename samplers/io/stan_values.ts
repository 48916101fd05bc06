/** How CmdStan CSV prints and parses numbers. */

/** Stan's way of printing a number: shortest round-trip decimal; nan, inf, -inf for the rest. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/** Seconds as plain decimals: rstan reads the elapsed-time lines by dropping every character but digits and '.', so no exponents. */
export function formatSeconds(s: number): string {
  return Number.isFinite(s) && s >= 0 ? String(Number(s.toFixed(6))) : '0';
}

export function parseValue(s: string, where: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  const v = Number(t);
  if (t === '' || Number.isNaN(v)) throw new Error(`readCmdStanCsv: cannot parse '${s}' as a number (${where})`);
  return v;
}
