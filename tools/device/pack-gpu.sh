#!/usr/bin/env bash
# Packs what tools/device/gpu.sh needs on the device machine into .device/ (and checks its size):
# the tools' build with its workspace packages, Node, and Dawn's `webgpu` binding, by
# ../shared/device/pack.sh; then drops the wind decoders' wasm, which the GPU bench never loads (it
# imports @balloon-sim/node/gpu, not the package's index), to stay under the 64 MiB a carry holds.
# Run from the repository root of a full clone (pack.sh writes to .git/info/exclude), after
# `npx -y pnpm@10 install --frozen-lockfile`. The Vulkan loader debs go in .gl/ (device README).
set -euo pipefail
root=$(git rev-parse --show-toplevel); cd "$root"
npx -y pnpm@10 exec tsc -b tools
bash ../shared/device/pack.sh --filter @balloon-sim/tools --webgpu
rm -rf .device/tools/node_modules/.pnpm/h5wasm@* .device/tools/node_modules/.pnpm/@cornerstonejs+codec-openjpeg@*
du -sh .device
