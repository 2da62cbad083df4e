#!/usr/bin/env bash
# The write-path cost of point-in-time recovery's history: AdminCreateUser and
# AdminUpdateUserAttributes per second against a server keeping history and one started with
# `--history false`, alternating within each round (cognito-idp-server/examples/history_load.rs,
# servers in the same process). Prints one JSON line per measurement, then the medians and the
# cost. It is not a test.
#
# Environment: DBS ("memory file"; a postgres:// URL adds PostgreSQL), SECONDS_EACH (3),
# CONCURRENCY (16), ROUNDS (2), BUILD (1; 0 uses the binary built before).
set -euo pipefail
cd "$(dirname "$0")/.."

DBS="${DBS:-memory file}"
if [ "${BUILD:-1}" = 1 ]; then
    echo "== building the history load generator (release)"
    cargo build --release --quiet -p cognito-idp-server --example history_load
fi
bin="${CARGO_TARGET_DIR:-target}/release/examples/history_load"
for db in $DBS; do
    echo "== $db"
    "$bin" run --db "$db" --seconds "${SECONDS_EACH:-3}" --concurrency "${CONCURRENCY:-16}" --rounds "${ROUNDS:-2}"
done
