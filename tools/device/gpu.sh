#!/usr/bin/env bash
# The GPU path's measurements on the device machine (one H200, no Node, no network), in one call.
# Pack on the development machine first, from the repository root: bash tools/device/pack-gpu.sh
#   (and the Vulkan loader debs in .gl/, as the device README's Vulkan note says)
# then one device run with carry [".device", ".gl"] and timeout_s 480 (this script is tracked, so it travels):
#   bash tools/device/gpu.sh
# It prints one JSON line per measurement and a table last; everything also goes to $OUT/gpu.log.
# Each step runs in its own process under a time limit, so a crash (a signal) or a hang shows as a
# line and the next step still runs.
set -u
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
log="$OUT/gpu.log"
: > "$log"
source .device/env.sh
export WEBGPU_OPTIONS=${WEBGPU_OPTIONS:-backend=vulkan}
cd .device/tools || { echo "no .device/tools: pack first (see the top of this script)"; exit 2; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >> "$log" 2>&1

step() { # name, limit (s), command...
  local name=$1 limit=$2; shift 2
  echo "== $name" >> "$log"
  timeout "$limit" "$@" >> "$log" 2>&1
  local rc=$?
  [ $rc -ne 0 ] && echo "{\"step\":\"$name\",\"exit\":$rc$([ $rc -gt 128 ] && echo ",\"signal\":$((rc - 128))")}" >> "$log"
}

# 1. Why did ≥ 100 000 particles crash dawn.node before? Map read-back buffers of growing size, with
#    WebGPU's default limits and with the adapter's own, each in its own process.
probe='
const { create, globals } = await import(process.env.WEBGPU_MODULE);
Object.assign(globalThis, globals);
const [which, bytes] = process.argv.slice(1);
const adapter = await create(process.env.WEBGPU_OPTIONS.split(",")).requestAdapter();
const l = adapter.limits;
const device = await adapter.requestDevice(which === "adapter" ? { requiredLimits: {
  maxBufferSize: l.maxBufferSize, maxStorageBufferBindingSize: l.maxStorageBufferBindingSize } } : {});
device.pushErrorScope("validation");
const b = device.createBuffer({ size: Number(bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
const err = await device.popErrorScope();
let mapped = null;
try { await b.mapAsync(GPUMapMode.READ); mapped = b.getMappedRange().byteLength; } catch (e) { mapped = String(e); }
console.log(JSON.stringify({ probe: "map", limits: which, bytes: Number(bytes), adapterMaxBuffer: l.maxBufferSize,
  adapterMaxBinding: l.maxStorageBufferBindingSize, deviceMaxBuffer: device.limits.maxBufferSize,
  createError: err ? err.message : null, mapped }));
'
for limits in default adapter; do
  for bytes in 67108864 268435456 1073741824; do
    step "map $limits $bytes" 30 node --input-type=module -e "$probe" "$limits" "$bytes"
  done
done

# 2. drift-bench v1 at 10^5, 10^6 and 10^7 members; v2 (pressure levels) at 10^6.
step "v1" 240 node dist/bench/gpu.js --members 100000,1000000,10000000 --grid altitude --cpu-check 2000 --rounds 2
step "v2" 120 node dist/bench/gpu.js --members 1000000 --grid pressure --cpu-check 2000 --rounds 2

cat "$log"
echo "== table"
grep -h '^{"bench"' "$log" | node -e '
const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
for (const r of rows) console.log([r.bench, r.members, r.slices, r.seconds, (r.particleStepsPerSec / 1e9).toFixed(2) + " G/s",
  r.active, r.meanLon, r.meanLat, "maxΔ " + r.maxEndDiffVsCpuM + " m"].join("\t"));
'
