#!/usr/bin/env bash
# Run the batched-matmul benchmark on a machine with a GPU (issue #3): check node, build, try
# to enable headless GL (the optional native `gl` package that npm did not build here), then run
# the benchmark once and leave its JSON in $OUT (or ./out). Prepared for the `device` tool; the
# lead decides whether to spend device time on it. Needs no network if node_modules is carried.
set -uo pipefail
OUT="${OUT:-./out}"
mkdir -p "$OUT"
log() { echo "[gpu_device] $*" | tee -a "$OUT/device.log"; }

if ! command -v node >/dev/null 2>&1; then log "node not found: cannot run the benchmark"; exit 2; fi
log "node $(node --version); $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo 'no nvidia-smi')"

# Build (tsc is in node_modules when carried).
if [ ! -f dist/bench/batched_matmul.bench.js ]; then
  npx tsc -p tsconfig.json >"$OUT/tsc.log" 2>&1 || log "tsc reported errors (see tsc.log); continuing if the bench compiled"
fi
[ -f dist/bench/batched_matmul.bench.js ] || { log "bench not built"; exit 3; }

# headless GL needs the native `gl` addon; build it only if a toolchain and network exist.
if ! node -e "require('gl')" 2>/dev/null; then
  log "headless gl not loadable; trying npm rebuild gl (needs python3, make, g++, libxi/libglew headers)"
  timeout 240 npm rebuild gl >"$OUT/gl_build.log" 2>&1 || log "gl build failed (see gl_build.log): GL modes will be reported unavailable"
fi
# A GPU-backed GL context in headless gl needs an X/EGL display; try xvfb-run when present.
RUN="node dist/bench/batched_matmul.bench.js --out $OUT/bench.json"
if command -v xvfb-run >/dev/null 2>&1; then RUN="xvfb-run -a $RUN"; fi
log "running: $RUN"
timeout 420 $RUN 2>&1 | tee "$OUT/bench.txt"
log "exit ${PIPESTATUS[0]}"
