#!/usr/bin/env bash
# Sweep: import and generate every AWS JSON service of a botocore data directory, and optionally
# compile (cargo check) a named few, printing one row per service and totals.
#
#   bench/sweep.sh BOTOCORE_DATA_DIR [--compile svc1,svc2,...] [--only svc1,svc2,...] [--work DIR]
#
# BOTOCORE_DATA_DIR is botocore's `data/` directory (e.g. after
# `pip download --no-deps -d /tmp/bc botocore && unzip -q -o /tmp/bc/botocore-*.whl 'botocore/data/*' -d /tmp/bc`:
# /tmp/bc/botocore/data). A service counts as JSON when its newest model's `metadata.protocols`
# (or `metadata.protocol`) includes `json`. Each is imported into WORK/schemas/<svc> and
# generated into WORK/gen/<svc>; with --compile each named service is also generated as one
# file into a small crate (WORK/crates/<svc>) depending on this repository's runtimes and checked
# with `cargo check` (one shared target directory, WORK/target). Exit status is non-zero when any
# service fails. CI runs the fast parts as tests: codegen/tests/sweep.rs imports and generates
# every JSON service of the installed botocore, codegen/tests/compile_sample.rs checks a sample.
set -u -o pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
data=""
compile=""
only=""
work="${TMPDIR:-/tmp}/awsjson-sweep"
while [ $# -gt 0 ]; do
    case "$1" in
        --compile) compile="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --work) work="$2"; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) data="$1"; shift ;;
    esac
done
[ -n "$data" ] && [ -d "$data" ] || { echo "usage: $0 BOTOCORE_DATA_DIR [--compile a,b] [--only a,b] [--work DIR]" >&2; exit 2; }

# The generator's debug build (SWEEP_PROFILE=release for the optimised one).
profile="${SWEEP_PROFILE:-debug}"
if [ "$profile" = release ]; then flag=--release; else flag=""; fi
cargo build -q $flag -p awsjson-codegen --manifest-path "$root/Cargo.toml" || exit 2
gen="${CARGO_TARGET_DIR:-$root/target}/$profile/awsjson-codegen"
mkdir -p "$work/schemas" "$work/gen" "$work/log"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
in_list() { case ",$2," in *",$1,"*) return 0 ;; esac; return 1; }

# Newest model of each service whose protocols include json.
list_services() {
    for dir in "$data"/*/; do
        svc=$(basename "$dir")
        [ -n "$only" ] && ! in_list "$svc" "$only" && continue
        version=$(ls -1 "$dir" | sort | tail -n 1)
        model=""
        for f in service-2.json.gz service-2.json; do
            [ -f "$dir$version/$f" ] && { model="$dir$version/$f"; break; }
        done
        [ -n "$model" ] || continue
        if [[ "$model" == *.gz ]]; then reader="gzip -dc"; else reader="cat"; fi
        if $reader "$model" | jq -e '.metadata | ((.protocols // []) + [.protocol]) | index("json") != null' >/dev/null 2>&1; then
            echo "$svc $model"
        fi
    done
}

compile_crate() {
    local svc="$1" dir="$work/crates/$1"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "sweep-$(echo "$svc" | tr -c 'a-z0-9\n' '-')"
version = "0.0.0"
edition = "2024"
publish = false

[features]
default = ["client", "server"]
client = []
server = []

[dependencies]
awsjson-types = { path = "$root/types-runtime" }
awsjson-client = { path = "$root/client" }
awsjson-server = { path = "$root/server-stub" }
serde = "1"
serde_json = "1"

[workspace]
EOF
    [ -f "$dir/Cargo.lock" ] || cp "$root/Cargo.lock" "$dir/Cargo.lock"
    rm -rf "$work/one/$svc"
    "$gen" generate "$work/schemas/$svc" --out "$work/one/$svc" --single-file >/dev/null 2>&1 || return 1
    { echo '#![allow(clippy::all, unused)]'; cat "$work/one/$svc/lib.rs"; } >"$dir/src/lib.rs"
    CARGO_TARGET_DIR="$work/target" cargo check -q --offline --manifest-path "$dir/Cargo.toml" >"$work/log/$svc.check" 2>&1
}

printf '%-34s %5s %6s %8s %8s  %s\n' service ops types gen_s check_s result
total=0; ok=0; failed=0; compiled=0; compile_failed=0; ops_total=0; types_total=0
declare -A causes=()
while read -r svc model; do
    total=$((total + 1))
    rm -rf "$work/schemas/$svc" "$work/gen/$svc"
    ops="-"; types="-"; gen_s="-"; check_s="-"
    if out=$("$gen" import-botocore "$model" --out "$work/schemas/$svc" 2>&1); then
        ops=$(echo "$out" | sed -n 's/^\([0-9]*\) operations.*/\1/p')
        types=$(echo "$out" | sed -n 's/.*), \([0-9]*\) types.*/\1/p')
        start=$(now)
        if out=$("$gen" generate "$work/schemas/$svc" --out "$work/gen/$svc" 2>&1); then
            gen_s=$(elapsed "$start" "$(now)")
            result="ok"
            if [ -n "$compile" ] && in_list "$svc" "$compile"; then
                start=$(now)
                if compile_crate "$svc"; then
                    result="ok, compiled"; compiled=$((compiled + 1))
                else
                    result="check failed: $(grep -m1 -E '^error' "$work/log/$svc.check" || echo '?')"
                    compile_failed=$((compile_failed + 1))
                fi
                check_s=$(elapsed "$start" "$(now)")
            fi
        else
            result="generate: $(echo "$out" | grep -m1 . | cut -c1-160)"
        fi
    else
        result="import: $(echo "$out" | grep -m1 . | cut -c1-160)"
    fi
    case "$result" in
        ok*) ok=$((ok + 1)) ;;
        *) failed=$((failed + 1))
           cause=$(echo "$result" | sed -E 's/`[^`]*`/`_`/g; s/"[^"]*"/"_"/g; s/[0-9]+/N/g' | cut -c1-90)
           causes[$cause]=$(( ${causes[$cause]:-0} + 1 )) ;;
    esac
    [ "$ops" != "-" ] && ops_total=$((ops_total + ops))
    [ "$types" != "-" ] && [ -n "$types" ] && types_total=$((types_total + types))
    printf '%-34s %5s %6s %8s %8s  %s\n' "$svc" "$ops" "$types" "$gen_s" "$check_s" "$result"
done < <(list_services)

echo
echo "services: $total json; imported and generated: $ok; failed: $failed; operations: $ops_total; types: $types_total"
[ -n "$compile" ] && echo "compiled: $compiled; compile failed: $compile_failed"
if [ "$failed" -gt 0 ]; then
    echo "failures by cause:"
    for cause in "${!causes[@]}"; do printf '  %4d  %s\n' "${causes[$cause]}" "$cause"; done | sort -rn
fi
[ "$failed" -eq 0 ] && [ "$compile_failed" -eq 0 ]
