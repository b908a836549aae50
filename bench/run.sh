#!/usr/bin/env bash
# Benchmark manyi against the floor (a single-threaded csv-crate parse of the same files).
# Usage: bench/run.sh [RESPONSES[:COMPLAINTS] ...]   (default: 100000 1000000 5000000; complaints = responses / 5,
# at most 200,000); BENCH_COMPLAINTS=1 bench/run.sh: 200,000 responses with 1M, 2M and 5M complaints.
# Each size: the 20-item shape and the 7-item shape (gen --shape small), each against its own floor.
# BENCH_GBK=1 / 0: the GBK build at every size / never (default: up to 1M responses, default complaints).
# BENCH_XLSX=1 bench/run.sh [RESPONSES ...]: workbook surveys (default 50000 100000), against pandas.read_excel
# if python3 has pandas and openpyxl. BENCH_BASELINE=path: an older manyi timed too, on the same files.
# BENCH_RUNS=N sets the number of timed runs per size (default 5). Data goes to target/bench-data/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin manyi --example gen --example floor --example bench
exec target/release/examples/bench "$@"
