#!/usr/bin/env bash
# Benchmark manyi against the floor (a single-threaded csv-crate parse of the same files).
# Usage: bench/run.sh [RESPONSES[:COMPLAINTS] ...]   (default: 100000 1000000 5000000; complaints = responses / 5,
# at most 200,000); BENCH_COMPLAINTS=1 bench/run.sh: 200,000 responses with 1M, 2M and 5M complaints.
# BENCH_RUNS=N sets the number of timed runs per size (default 5). Data goes to target/bench-data/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin manyi --example gen --example floor --example bench
exec target/release/examples/bench "$@"
