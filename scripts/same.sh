#!/usr/bin/env bash
# Compares the output of two incsite binaries: the demo site (public and internal) and a generated
# site of N records are built by each at the same instant, and the outputs compared with `diff -r`.
# The script behind "byte-identical" in commit messages and BENCHMARKS.md.
#
#   scripts/same.sh OLD_BINARY [NEW_BINARY] [--n 1000]
#
# NEW_BINARY defaults to target/release/incsite (built with `cargo build --release`); the generated
# site is made with target/release/examples/gen (seed 1). Exits 0 when every output is the same,
# 1 (printing the differences, at most 40 lines of each) when any differs.
set -euo pipefail

old="" new="" n=1000
while [ $# -gt 0 ]; do
    case "$1" in
        --n) n="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) if [ -z "$old" ]; then old="$1"; elif [ -z "$new" ]; then new="$1"; else
               echo "unexpected argument: $1" >&2; exit 2; fi; shift ;;
    esac
done
[ -n "$old" ] || { echo "usage: scripts/same.sh OLD_BINARY [NEW_BINARY] [--n 1000]" >&2; exit 2; }
repo="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
new="${new:-$target/release/incsite}"
gen="$target/release/examples/gen"
old="$(realpath "$old")" new="$(realpath "$new")"
[ -x "$gen" ] || { echo "no $gen: cargo build --release --example gen" >&2; exit 2; }

# The instant every build describes (examples/gen.rs DEFAULT_NOW).
export SOURCE_DATE_EPOCH=1796083200
work="$(mktemp -d "${TMPDIR:-/tmp}/incsite-same.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$gen" --n "$n" --out "$work/gen" >/dev/null 2>&1
# The demo site without its theme/ folder (the repo's own copy of the built-in theme, which would
# override both binaries' built-in themes with the working tree's), and without git history.
mkdir "$work/demo"
cp -r "$repo/content" "$repo/schema" "$repo/incsite.toml" "$work/demo/"

status=0
compare() {
    local label="$1"; shift
    local bin
    for bin in old new; do
        if ! "${!bin}" build --out "$work/$bin-$label" "$@" >"$work/log" 2>&1; then
            echo "the $bin binary failed to build $label:"; cat "$work/log"; exit 2
        fi
    done
    if diff -r "$work/old-$label" "$work/new-$label" >"$work/diff-$label"; then
        echo "same: $label ($(find "$work/new-$label" -type f | wc -l) files)"
    else
        echo "DIFFERENT: $label"; head -n 40 "$work/diff-$label"; status=1
    fi
}
compare demo --root "$work/demo"
compare demo-internal --root "$work/demo" --audience internal
compare "gen-$n" --root "$work/gen"
exit "$status"
