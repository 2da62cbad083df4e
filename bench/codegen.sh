#!/usr/bin/env bash
# Generator and build-time figures for issue "generate the SDK" (not a test: it prints numbers).
#
#   bench/codegen.sh            # all three figures
#
# 1. time to generate all of schemas/ (release generator, best and median of 5 runs, in-process
#    load + emit + write to a scratch directory);
# 2. time of a no-op `cargo build` of the workspace (nothing changed: nothing may recompile);
# 3. cold debug `cargo build` of the models + client crate as a dependent uses it
#    (`--no-default-features --features client`: no generator, no server), in an empty target dir.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

echo "machine: $(nproc) cores, $(rustc --version)"

cargo build --release -q -p awsjson-codegen
runs=()
for _ in 1 2 3 4 5; do
    t0=$(now); ./target/release/awsjson-codegen generate schemas --models-crate cognito_idp_models --out "$scratch/gen" >/dev/null; t1=$(now)
    rm -rf "$scratch/gen"
    runs+=("$(elapsed "$t0" "$t1")")
done
sorted=$(printf '%s\n' "${runs[@]}" | sort -n)
files=$(./target/release/awsjson-codegen generate schemas --models-crate cognito_idp_models --out "$scratch/gen" | cut -d' ' -f1)
echo "generate schemas/ ($(ls schemas/*.json | wc -l) schema files -> $files Rust files): best $(echo "$sorted" | head -1)s, median $(echo "$sorted" | sed -n 3p)s"

cargo build -q
t0=$(now); cargo build -q 2>/dev/null; t1=$(now)
echo "no-op cargo build (workspace root): $(elapsed "$t0" "$t1")s"

t0=$(now)
CARGO_TARGET_DIR="$scratch/target" cargo build -q -p cognito-idp --no-default-features --features client 2>/dev/null
t1=$(now)
units=$(ls "$scratch/target/debug/deps/"*.rlib | wc -l)
echo "cold debug build of models + client crate: $(elapsed "$t0" "$t1")s ($units library crates)"
t0=$(now)
touch generated/lib.rs generated/models/lib.rs
CARGO_TARGET_DIR="$scratch/target" cargo build -q -p cognito-idp --no-default-features --features client 2>/dev/null
t1=$(now)
echo "rebuild of the models and client crates alone (dependencies cached): $(elapsed "$t0" "$t1")s"
