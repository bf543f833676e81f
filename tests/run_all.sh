#!/usr/bin/env bash
# Run the whole suite on SQLite, then – when TEST_DATABASE_URL is set – again on PostgreSQL.
# Prints how many tests ran on each database; fails when any run fails.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0
summary=()
run() {
  local name=$1; shift
  echo "=== Tests on $name ==="
  local log
  log=$(mktemp)
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line
  # pytest's closing line, with or without the ===== frame (-q drops it).
  line=$(grep -E '^(=+ )?[0-9]+ (passed|failed|error|skipped).* in [0-9.]+s|^Contracts: ' "$log" | tail -1 | sed -E 's/=+//g; s/^ +| +$//g')
  summary+=("$name: ${line:-no result} (exit $rc)")
  [ "$rc" -eq 0 ] || status=1
  rm -f "$log"
}
# The layers (docs/ARCHITECTURE.md, [tool.importlinter] in pyproject.toml): nothing imports upward,
# the domain never imports Flask, no blueprint imports another.
run imports .venv/bin/lint-imports --no-cache
run sqlite env MARKETPLACE_TEST_DB=sqlite "$PY" -m pytest "$@"
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  run postgresql env MARKETPLACE_TEST_DB=postgresql "$PY" -m pytest -m "not browser" "$@"
else
  echo "TEST_DATABASE_URL is not set: skipping the PostgreSQL run."
fi
echo "=== Summary ==="
printf '%s\n' "${summary[@]}"
exit $status
