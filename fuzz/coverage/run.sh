#!/usr/bin/env bash
# Coverage-guided fuzzing with cargo-fuzz (libFuzzer). Seeds are the record files of the
# shipped example and the test fixtures; the corpus grows under fuzz/coverage/corpus/ (not
# committed). Usage: fuzz/coverage/run.sh [SECONDS_PER_TARGET] [TARGET...]
# Needs `cargo install cargo-fuzz`. On a stable toolchain RUSTC_BOOTSTRAP=1 lets cargo-fuzz
# pass its instrumentation flags; `-s none` because isms forbids unsafe code, so coverage
# feedback matters and AddressSanitizer adds little.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(yaml_records front_matter edit_register)
root=../..
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
find "$root/examples" "$root/tests/fixtures" -type f \( -name '*.yaml' -o -name '*.md' \) -size -64k \
  -exec cp --backup=numbered -t "$seeds" {} + 2>/dev/null || true
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "==> $t for ${secs}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir . -s none "$t" "corpus/$t" "$seeds" -- \
    -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 2>&1 |
    grep -E '^#[0-9]+.*(DONE|pulse)|Done|ERROR|panicked|SUMMARY|==' | tail -5
done
