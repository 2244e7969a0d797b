#!/usr/bin/env bash
# drift-bench v1 (altitude levels) and v2 (pressure levels) against their C yardsticks, for a quiet
# machine: the 2-core development machine is shared, and its load swamps the ratio.
#   tools/device/drift-bench.sh pack [pack.sh options]
#                                       here: builds, packs Node, sim-core and the bench into .device/
#   tools/device/drift-bench.sh run     there (device `run`, carry [".device"]): 3 alternations of
#                                       `bench:drift --rounds 5` on each grid; JSON lines, then a table
# The yardsticks are built there with `cc -O3 -march=native` as ../shared/bench/ref*.sh do; where
# there is no cc, prebuilt ones (-O3 -march=x86-64-v3, built here) stand in, and the table says so.
set -euo pipefail
root=$(git rev-parse --show-toplevel 2>/dev/null || pwd); cd "$root"
case "${1:-}" in
  pack)
    # pack.sh records .device/ in .git/info/exclude, which a `git worktree` checkout does not have.
    [ -d .git ] || { echo "pack from a main checkout (.git a folder), not from a worktree" >&2; exit 2; }
    npx -y pnpm@10 exec tsc -b tools
    # Further pack.sh options (--webgpu, --filter, --also) pass through, so one .device/ can serve
    # this and other device checks.
    bash ../shared/device/pack.sh --filter @balloon-sim/sim-core "${@:2}"
    # The bench imports @balloon-sim/sim-core: inside the deployed package, Node resolves that name
    # to the package itself.
    mkdir -p .device/sim-core/bench .device/bench
    cp tools/dist/bench/drift.js .device/sim-core/bench/drift.js
    cp tools/dist/bench/drift-bench-workload.js .device/sim-core/bench/drift-bench-workload.js
    cp ../shared/bench/ref.sh ../shared/bench/ref_v2.sh ../shared/bench/drift_ref.c ../shared/bench/drift_ref_v2.c \
      ../shared/bench/WORKLOAD.md .device/bench/
    mkdir -p .device/bench/prebuilt
    for c in drift_ref drift_ref_v2; do
      cc -O3 -march=x86-64-v3 -o ".device/bench/prebuilt/$c" "../shared/bench/$c.c" -lm
      printf '#!/usr/bin/env bash\nexec "$(dirname "$0")/%s" "$@"\n' "$c" > ".device/bench/prebuilt/${c/drift_ref/ref}.sh"
    done
    du -sh .device
    ;;
  run)
    source .device/env.sh
    refs=.device/bench
    command -v cc >/dev/null || refs=.device/bench/prebuilt
    out=${OUT:-/tmp}/drift-bench.jsonl
    : > "$out"
    echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), yardsticks from $refs"
    for r in 1 2 3; do
      for grid in altitude pressure; do
        # DRIFT_BENCH_ARGS (e.g. "--steps 20") shortens a smoke test of this script; later options win.
        # shellcheck disable=SC2086
        node .device/sim-core/bench/drift.js --grid "$grid" --rounds 5 --ref-dir "$refs" ${DRIFT_BENCH_ARGS:-} | tee -a "$out"
      done
    done
    node -e '
      const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
      for (const b of ["drift-bench-v1", "drift-bench-v2"]) {
        const runs = lines.filter((l) => l.bench === b);
        const f = (k) => runs.map((l) => l[k]).join(" ");
        console.log(`${b}: ours M/s ${runs.map((l) => (l.particleStepsPerSec / 1e6).toFixed(2)).join(" ")}; ` +
          `C M/s ${runs.map((l) => (l.refParticleStepsPerSec / 1e6).toFixed(2)).join(" ")}; ratio ${f("ratio")}; ` +
          `checks agree ${f("checkAgrees")}`);
      }' "$out"
    ;;
  *) echo "usage: tools/device/drift-bench.sh pack|run" >&2; exit 2;;
esac
