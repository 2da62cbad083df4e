#!/usr/bin/env bash
# Our generated client against AWS's published Rust SDK (aws-sdk-cognitoidentityprovider +
# aws-config), measured in the same run on the same machine (issue "typed client" benchmark):
#
# 1. clean debug build time of a minimal program using each (bench/client/{ours,aws-sdk});
#    ours must take at most a quarter of theirs;
# 2. release binary size of each;
# 3. per-call overhead: 1,000 sequential AdminGetUser calls from each to the same local server
#    (bench/client/server, 127.0.0.1, stops by itself); ours must not be slower.
#
# For reference it also builds and runs bench/client/floor, the same program with no SDK
# (reqwest and tokio alone, an unsigned hand-written request): the part of any reqwest + rustls
# client's build that no SDK can remove, and what each SDK adds to it.
#
# Crates are downloaded first so that build times measure compiling only. The host's speed drifts
# by a quarter and more within minutes, so the builds run in ROUNDS rounds (default 3); the
# figure is the median of the rounds' ratios, as only ratios within a round mean anything. In a
# round ours is built before and after aws-sdk and counts as the mean of the two, so that a drift
# during the round (steady over a few minutes) weighs on both sides alike; the floor comes last.
set -euo pipefail
cd "$(dirname "$0")/client"
CALLS=${CALLS:-1000}
ROUNDS=${ROUNDS:-3}
scratch=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$scratch"' EXIT

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.1f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }
median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}'.rstrip('0').rstrip('.'))" "$@"; }

echo "machine: $(nproc) cores, $(rustc --version)"
for p in ours aws-sdk floor server; do (cd "$p" && cargo fetch -q); done

# Incremental compilation off for both: cargo builds registry dependencies (all of aws-sdk's)
# without it, and ours are path dependencies only because they are not published; incremental
# state made a clean build of our generated crate about 40 % slower.
build_time() { # crate dir -> seconds of a clean debug build, and the number of crates compiled
    local dir=$1 target="$scratch/target-$1"
    local t0 t1
    rm -rf "$target"
    t0=$(now); (cd "$dir" && CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$target" cargo build -q 2>/dev/null); t1=$(now)
    echo "$(secs "$t0" "$t1") $(ls "$target"/debug/deps/*.rlib 2>/dev/null | wc -l)"
}
ours_all=(); sdk_all=(); floor_all=(); ratios=()
for round in $(seq "$ROUNDS"); do
    read -r o1 ours_crates < <(build_time ours)
    read -r s sdk_crates < <(build_time aws-sdk)
    read -r o2 _ < <(build_time ours)
    read -r f floor_crates < <(build_time floor)
    o=$(python3 -c "print(f'{($o1 + $o2) / 2:.1f}')")
    echo "  round $round: ours ${o}s (${o1}s before aws-sdk, ${o2}s after), aws-sdk ${s}s, floor ${f}s; ratio $(ratio "$o" "$s"), floor / aws-sdk $(ratio "$f" "$s")"
    ours_all+=("$o"); sdk_all+=("$s"); floor_all+=("$f"); ratios+=("$(ratio "$o" "$s")")
done
ours_build=$(median "${ours_all[@]}"); sdk_build=$(median "${sdk_all[@]}"); floor_build=$(median "${floor_all[@]}")
echo "clean debug build (medians of $ROUNDS rounds): ours ${ours_build}s ($ours_crates crates), aws-sdk ${sdk_build}s ($sdk_crates crates), ratio $(median "${ratios[@]}") (median of the rounds' ratios; goal <= 0.25)"
echo "  floor (reqwest + tokio alone): ${floor_build}s ($floor_crates crates); ours adds $(secs "$floor_build" "$ours_build")s to it, aws-sdk $(secs "$floor_build" "$sdk_build")s"

for p in ours aws-sdk floor server; do (cd "$p" && CARGO_TARGET_DIR="$scratch/release-$p" cargo build -q --release 2>/dev/null); done
ours_bin="$scratch/release-ours/release/bench-ours"
sdk_bin="$scratch/release-aws-sdk/release/bench-aws-sdk"
ours_size=$(stat -c %s "$ours_bin"); sdk_size=$(stat -c %s "$sdk_bin")
echo "release binary: ours $((ours_size / 1024)) KiB, aws-sdk $((sdk_size / 1024)) KiB, ratio $(ratio "$ours_size" "$sdk_size")"

"$scratch/release-server/release/bench-server" 0 300 > "$scratch/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$scratch/port" ] && break; sleep 0.1; done
endpoint="http://127.0.0.1:$(cat "$scratch/port")/"
best() { # binary -> best mean microseconds per call over 3 runs
    local b=""; for _ in 1 2 3; do v=$("$1" "$endpoint" "$CALLS"); b=$(python3 -c "print(min(float('$v'), float('${b:-inf}')))"); done; echo "$b"
}
ours_call=$(best "$ours_bin"); sdk_call=$(best "$sdk_bin"); floor_call=$(best "$scratch/release-floor/release/bench-floor")
echo "per call ($CALLS sequential AdminGetUser, best of 3): ours ${ours_call} us, aws-sdk ${sdk_call} us, ratio $(ratio "$ours_call" "$sdk_call") (goal <= 1.00)"
echo "  floor (raw unsigned request, body not parsed): ${floor_call} us"
