#!/usr/bin/env bash
# Runs every xunit test against the freshly built out/ContainerTools, then every Pester/*.Tests.ps1 with out/pwsh/pwsh
# (Pester 5.9.1 in its Modules/); prints "Pester: N passed, N failed, N skipped" and, last, the closing
# "N passed, N failed, N skipped" of both together. Fails when either fails or when Pester ran no test.
set -uo pipefail
cd "$(dirname "$0")/.."
results=out/test-results
rm -rf "$results"
dotnet test tests/ContainerTools.Tests/ContainerTools.Tests.csproj -c Release -nologo \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" --logger "console;verbosity=normal" 2>&1 | grep -vE '^\s*$'
xunit_status=${PIPESTATUS[0]}
trx=$(ls "$results"/*.trx 2>/dev/null | head -n1)
passed=0 failed=0 skipped=0
if [ -n "$trx" ]; then
  passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -n1 | grep -o '[0-9]*')
  failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -n1 | grep -o '[0-9]*')
  skipped=$(grep -o 'notExecuted="[0-9]*"' "$trx" | head -n1 | grep -o '[0-9]*')
  echo "xunit: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
fi

# The user stories, in the shell users run them in. The counts come back in a file: the console is Pester's.
# Standard input is not the caller's terminal: the suites check that Enter-Container refuses to run without one.
mkdir -p "$results"
out/pwsh/pwsh -NoProfile -NonInteractive -File scripts/invoke-pester.ps1 -Results "$results" < /dev/null
pester_status=$?
read -r p_passed p_failed p_skipped p_result < "$results/pester.counts" 2>/dev/null || { p_passed=0 p_failed=0 p_skipped=0 p_result=missing; }
echo "Pester: $p_passed passed, $p_failed failed, $p_skipped skipped"

# The failures again, last, so that a log's tail names them.
if [ -n "$trx" ] && [ "${failed:-0}" != 0 ]; then
  echo "xunit failures:"
  awk '/<UnitTestResult [^>]*outcome="Failed"/ { name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name); print "  " name; f = 1 }
       f && /<Message>/ { m = $0; sub(/.*<Message>/, "", m); print "    " substr(m, 1, 300); f = 0 }' "$trx"
fi

status=0
if [ "$xunit_status" -ne 0 ] || [ -z "$trx" ]; then status=1; fi
if [ "$pester_status" -ne 0 ] || [ "$p_result" != Passed ]; then status=1; fi
if [ "$p_passed" -eq 0 ]; then echo "Pester ran no test" >&2; status=1; fi
echo "$((passed + p_passed)) passed, $((failed + p_failed)) failed, $((skipped + p_skipped)) skipped"
exit "$status"
