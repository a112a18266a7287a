#!/usr/bin/env bash
# Runs every xunit test against the freshly built out/ContainerTools; prints the closing "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
results=out/test-results
rm -rf "$results"
dotnet test tests/ContainerTools.Tests/ContainerTools.Tests.csproj -c Release -nologo \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" --logger "console;verbosity=normal" 2>&1 | grep -vE '^\s*$'
status=${PIPESTATUS[0]}
trx=$(ls "$results"/*.trx 2>/dev/null | head -n1)
if [ -n "$trx" ]; then
  passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -n1 | grep -o '[0-9]*')
  failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -n1 | grep -o '[0-9]*')
  notrun=$(grep -o 'notExecuted="[0-9]*"' "$trx" | head -n1 | grep -o '[0-9]*')
  echo "${passed:-0} passed, ${failed:-0} failed, ${notrun:-0} skipped"
fi
exit "$status"
