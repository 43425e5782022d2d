#!/usr/bin/env bash
# Hugo and incsite side by side, in one run: cold builds of the same generated records into new
# folders, alternating (Hugo, incsite, Hugo, …), so that both see the same machine. Prints each
# run, then per tool the median wall time (min–max), user CPU, peak RSS, files and bytes written,
# and Hugo's median ÷ incsite's. The method behind BENCHMARKS.md's "× Hugo" figures.
#
#   scripts/vs-hugo.sh [--runs 5] [--n 10000] [--dir DIR] [--no-build]
#
# Needs `hugo` (Debian's 0.111.3 was used) and GNU time. The site is examples/gen.rs's (seed 1);
# Hugo builds it with the plain site in scripts/hugo/ (see its README). DIR (default a new folder
# under ${TMPDIR:-/tmp}; a tmpfs such as /dev/shm keeps the disk out of it) holds the site and
# the outputs, and is removed at the end.
set -euo pipefail

runs=5 n=10000 dir="" build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --n) n="$2"; shift 2 ;;
        --dir) dir="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
command -v hugo >/dev/null || { echo "needs hugo on the PATH" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
if [ "$build" = 1 ]; then
    (cd "$repo" && cargo build --release --quiet --bin incsite --example gen)
fi
bin="$target/release/incsite" gen="$target/release/examples/gen"
work="$(mktemp -d "${dir:-${TMPDIR:-/tmp}}/incsite-vs-hugo.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The instant the generated site is clean at (examples/gen.rs DEFAULT_NOW).
export SOURCE_DATE_EPOCH=1796083200
"$gen" --n "$n" --out "$work/site" >/dev/null 2>&1
cp -r "$repo/scripts/hugo" "$work/hugo"
cp -r "$work/site/content" "$work/hugo/"

echo "# Hugo vs incsite, $(date -u +%Y-%m-%dT%H:%M:%SZ), $n records, $runs runs each, $(hugo version | cut -d' ' -f1-2)"
echo "# commit $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?'), load $(cut -d' ' -f1-3 /proc/loadavg)"
log="$work/log"
: >"$log"
run() { # tool, folder to build in, output, command…
    local tool="$1" at="$2" out="$3"; shift 3
    rm -rf "$out"
    (cd "$at" && /usr/bin/time -o "$work/one" -f "%e %U %M" "$@" >/dev/null 2>&1)
    echo "$tool $(cat "$work/one") $(find "$out" -type f | wc -l) $(du -sb "$out" | cut -f1)" | tee -a "$log"
}
for _ in $(seq "$runs"); do
    run hugo "$work/hugo" "$work/out-hugo" hugo --quiet --destination "$work/out-hugo"
    run incsite "$work/site" "$work/out-incsite" "$bin" build --out "$work/out-incsite"
done
echo "# tool: median wall s (min–max), median user s, median peak RSS MB, files, MB written"
awk '
    { wall[$1] = wall[$1] " " $2; user[$1] = user[$1] " " $3; rss[$1] = rss[$1] " " $4; files[$1] = $5; bytes[$1] = $6 }
    function median(list,   a, k, i, j, t) {
        k = split(list, a, " ")
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        lo = a[1]; hi = a[k]
        return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    }
    END {
        for (tool in wall) {
            m[tool] = median(wall[tool]); l = lo; h = hi
            printf "%s: %.2f s (%.2f–%.2f), user %.2f s, %d MB, %d files, %.1f MB\n", tool, m[tool], l, h,
                median(user[tool]), median(rss[tool]) / 1024, files[tool], bytes[tool] / 1e6
        }
        printf "Hugo ÷ incsite: %.2f×\n", m["hugo"] / m["incsite"]
    }' "$log"
