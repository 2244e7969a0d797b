#!/usr/bin/env bash
# bench:run's worker-count curve (1, 2, 4, 8, 16 workers) of a 100 000-member, 12 h run of the default
# scenario, on the 16-core device machine: the 2-core development machine, shared, cannot show it.
#   tools/device/run-curve.sh pack   here, from a main checkout (pack.sh writes .git/info/exclude):
#                                    builds the tools and packs Node, the tools' deployment (sim-core,
#                                    node) and the fixtures into .device/ (~45 MiB)
#   tools/device/run-curve.sh run    there (device `run`, carry [".device"], timeout_s 420): warm-up,
#                                    then 2 alternating rounds of every worker count (best of 2);
#                                    one JSON line to $OUT/run-curve.jsonl, then a table
# Expected duration there: ~18 s per 1-worker run (the figure before this work), so
# (1 + 2 rounds) × (18 + 9 + 5 + 3 + 2 s) ≈ 2 min, plus start-up. RUN_CURVE_ARGS (e.g.
# "--members 5000 --hours 2") shortens a smoke test; later options win.
set -euo pipefail
root=$(git rev-parse --show-toplevel 2>/dev/null || pwd); cd "$root"
case "${1:-}" in
  pack)
    [ -d .git ] || { echo "pack from a main checkout (.git a folder), not from a worktree" >&2; exit 2; }
    npx -y pnpm@10 exec tsc -b tools
    bash ../shared/device/pack.sh --filter @balloon-sim/tools "${@:2}"
    # The wind decoders' wasm (HDF5, JPEG 2000) is imported only for such files; the default
    # scenario's wind is JSON. Dropped to stay well under the 64 MiB a carry holds.
    rm -rf .device/tools/node_modules/.pnpm/h5wasm@* .device/tools/node_modules/.pnpm/@cornerstonejs+codec-openjpeg@*
    # The bench reads fixtures/scenarios/default.json three folders above its own file; the node
    # package finds the bundled geography (zones, borders) in its own geo/ when it is not in a checkout.
    cp -r fixtures .device/fixtures
    for pkg in .device/tools/node_modules/.pnpm/@balloon-sim+node@*/node_modules/@balloon-sim/node; do
      cp -r fixtures/geo "$pkg/geo"
    done
    du -sh .device
    ;;
  run)
    source .device/env.sh
    out=${OUT:-/tmp}/run-curve.jsonl
    echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), node $(node --version)"
    # shellcheck disable=SC2086
    node .device/tools/dist/bench/run.js --members 100000 --hours 12 --rounds 2 \
      --workers-list 1,2,4,8,16 --curve-only ${RUN_CURVE_ARGS:-} | tee "$out"
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").pop());
      console.log(`${r.members} members, ${r.steps} steps, ${r.cores} cores, load ${r.load.join(" ")}, best of ${r.rounds}`);
      console.log("workers  wallSec  speedup  serialSec  serialFraction  mergeSec");
      for (const c of r.curve)
        console.log(`${String(c.workers).padStart(7)}  ${c.wallSec.toFixed(3).padStart(7)}  ${c.speedup.toFixed(2).padStart(7)}  ` +
          `${c.serialSec.toFixed(3).padStart(9)}  ${c.serialFraction.toFixed(4).padStart(14)}  ${c.mergeSec.toFixed(3).padStart(8)}`);' "$out"
    ;;
  *) echo "usage: tools/device/run-curve.sh pack|run" >&2; exit 2;;
esac
