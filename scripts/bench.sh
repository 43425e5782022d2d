#!/usr/bin/env bash
# Times the whole `incsite build`, `incsite check` and `incsite report` processes on generated
# sites of 1,000 and 10,000 records (and 100,000 with --with-100k): median, min and max wall time
# over repeated runs, and peak RSS from /usr/bin/time -v. Plain bash and awk.
#
#   scripts/bench.sh [--runs 5] [--sizes "1000 10000"] [--with-100k] [--no-git] [--no-build] [--dir DIR]
#                    [--delete-outputs]
#
# Sites are generated once per size (examples/gen.rs, seed 1) under DIR (default
# target/bench-sites) and reused, as git repositories with a commit per record and one per
# published post-mortem (the build reads that history), unless --no-git or --with-100k (that
# history grows quadratically slow to make, in fast-import as in incsite's walk, so with 100,000
# every size goes without it and the ratios compare like with like). Every timed `build`
# writes into a fresh output directory (kept until the end: ~1.5 GB at 10,000, ~15 GB with 100,000;
# with --delete-outputs each is deleted once timed, which suits a tmpfs TMPDIR: see BENCHMARKS.md).
# One untimed warm-up run per command comes first, and each run starts after an untimed `sync` (so
# that no run pays for writing back an earlier one's files) and an untimed read of the site's files
# (so that every figure is with a warm page cache).
set -euo pipefail

runs=5
sizes="1000 10000"
build=1
git=--git
dir=""
delete=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --sizes) sizes="$2"; shift 2 ;;
        --with-100k) sizes="$sizes 100000"; git=""; shift ;;
        --no-build) build=0; shift ;;
        --no-git) git=""; shift ;;
        --dir) dir="$2"; shift 2 ;;
        --delete-outputs) delete=1; shift ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
target="${CARGO_TARGET_DIR:-$repo/target}"
dir="${dir:-$target/bench-sites}"
bin="$target/release/incsite"
gen="$target/release/examples/gen"
# The instant the generated sites are clean at (examples/gen.rs DEFAULT_NOW).
export SOURCE_DATE_EPOCH=1796083200

if [ "$build" = 1 ]; then
    cargo build --release --quiet --bin incsite --example gen
fi
[ -x "$bin" ] && [ -x "$gen" ] || { echo "no release build in $target (drop --no-build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time) for peak RSS" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/incsite-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "# incsite benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
echo "# $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
    "$(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) RAM," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $runs timed runs per figure after one warm-up; wall time in seconds, peak RSS in MB;" \
    "sites $([ -n "$git" ] && echo with || echo without) git history"
echo

# Whether the binary has a subcommand (build, report and serve arrive on their own branches).
has() { "$bin" help "$1" >/dev/null 2>&1; }

# run LABEL N -- COMMAND...: times COMMAND $runs times, prints one row. The word OUT in COMMAND
# becomes a fresh, not yet existing output directory for each run.
run() {
    local label="$1" n="$2"; shift 3
    local times="$work/times" rss="$work/rss" i
    : >"$times"; : >"$rss"
    for ((i = 0; i <= runs; i++)); do
        # A fresh output folder each run, deleted only when the script ends: ext4 makes creating
        # files slow for ~30 s after many were deleted (recently_deleted), which would be timed.
        local out="$work/out-$label-$n-$i" args=() a
        for a in "$@"; do [ "$a" = OUT ] && args+=("$out") || args+=("$a"); done
        # Untimed: flush what earlier runs left dirty, so that the kernel's writeback of it does
        # not run on the same two cores during this one (it made runs vary by a second).
        sync
        # Untimed: read the site's files (sources and git objects), so that every run finds
        # them in the page cache. Some VMs give cached pages back within seconds of disuse (on
        # the one of BENCHMARKS.md, re-reading 10,000 sources took 0.2 s at once and 0.5 s after
        # 30 s idle; 100,000 came from disk), so one warm-up run per command was not enough.
        find "$site" -type f -print0 | xargs -0 cat >/dev/null
        local t0=$EPOCHREALTIME status=0
        /usr/bin/time -v -o "$work/time-v" "${args[@]}" >"$work/stdout" 2>"$work/stderr" || status=$?
        local t1=$EPOCHREALTIME
        # Untimed: on a VM whose host hands memory over on first touch, writing the 100,000
        # site's 2.5 GB into new tmpfs pages took 1.5 s to 6.6 s more than into freed ones.
        [ "$delete" = 1 ] && rm -rf "$out"
        if [ "$status" -gt 1 ] || { [ "$status" = 1 ] && [ "$label" != check ]; }; then
            echo "$label at N=$n failed (exit $status):" >&2
            tail -5 "$work/stderr" >&2
            printf '%-8s %7s  %s\n' "$label" "$n" "FAILED (exit $status)"
            return 0
        fi
        [ "$i" = 0 ] && continue # the warm-up
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }' >>"$times"
        awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $2 / 1024 }' "$work/time-v" >>"$rss"
    done
    local stats peak
    stats="$(sort -n "$times" | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%8.3f %8.3f %8.3f", m, v[1], v[NR] }')"
    peak="$(sort -n "$rss" | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%8.1f %8.1f", m, v[NR] }')"
    printf '%-8s %7s %s %s\n' "$label" "$n" "$stats" "$peak"
    echo "$label $n $stats $peak" >>"$work/results"
}

printf '%-8s %7s %8s %8s %8s %8s %8s\n' command N median min max rss_med rss_max
: >"$work/results"
for n in $sizes; do
    site="$dir/n$n${git:+-git}"
    if [ ! -f "$site/incsite.toml" ]; then
        rm -rf "$site"
        mkdir -p "$dir"
        "$gen" --n "$n" --out "$site" --seed 1 $git 2>"$work/gen.log" || { cat "$work/gen.log" >&2; exit 1; }
    fi
    run check "$n" -- "$bin" check --root "$site"
    if has build; then
        run build "$n" -- "$bin" build --root "$site" --out OUT
    else
        printf '%-8s %7s  %s\n' build "$n" "(no build command in this binary)"
    fi
    if has report; then
        run report "$n" -- "$bin" report --root "$site" --format json
    else
        printf '%-8s %7s  %s\n' report "$n" "(no report command in this binary)"
    fi
done

# How each command scales: the median at the largest N over the median at the one before.
echo
awk '{ med[$1, $2] = $3; if (!($1 in seen)) { seen[$1]; cmds[++nc] = $1 } ns[$2] }
    END {
        n = 0; for (k in ns) sizes[++n] = k + 0
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (sizes[j] < sizes[i]) { t = sizes[i]; sizes[i] = sizes[j]; sizes[j] = t }
        for (c = 1; c <= nc; c++) for (i = 2; i <= n; i++) {
            a = med[cmds[c], sizes[i - 1]]; b = med[cmds[c], sizes[i]]
            if (a > 0 && b > 0) printf "%-8s N=%d / N=%d: %.1fx the time for %.0fx the records\n", cmds[c], sizes[i], sizes[i - 1], b / a, sizes[i] / sizes[i - 1]
        }
    }' "$work/results"
