#!/usr/bin/env bash
# The one test command: `npm test` (README) and .ci/run both run this.
# Builds first when the sources changed (command and e2e tests run the built CLI), runs every Vitest suite, then prints
# the plain closing line `N passed, N failed` that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."

# A build that would change nothing is skipped: dist/.build-inputs holds the hash of what it was built
# from (scripts/build-inputs.js). MOMENTO_EB_SKIP_BUILD=1 skips it regardless (CI builds just before).
if [ "${MOMENTO_EB_SKIP_BUILD:-}" != "1" ]; then
  if node scripts/build-inputs.js check; then
    echo "dist/ is up to date with the sources: not rebuilding (npm run build forces it)"
  else
    npm run build --silent || { echo "0 passed, 1 failed"; exit 1; }
  fi
fi

mkdir -p .test-results
report=.test-results/vitest.json
# A file that failed outside its tests (a hook that timed out, an import error) counts as one failure,
# also when its tests were reported as skipped: "0 failed" must never go with a failing run.
rm -f "$report"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?

if [ -f "$report" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
    const failed = r.numFailedTests + (r.numRuntimeErrorTests ?? 0) + r.testResults.filter((t) => t.status === "failed" && !t.assertionResults.some((a) => a.status === "failed")).length
    console.log(`${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""))
  ' "$report"
else
  echo "0 passed, 1 failed"
  [ $status -eq 0 ] && status=1
fi
exit $status
