#!/usr/bin/env bash
# The suite at awkward moments in Oslo time, under Debian's faketime (the whole process tree,
# Chromium and the app processes the tests start included, sees the fake clock, which then runs on):
#   - 2027-03-27 23:30 Oslo: the night before the spring DST switch, in Easter week
#     (Easter Sunday and the switch to summer time fall on 28 March 2027);
#   - 2027-12-31 23:50 Oslo: ten minutes before New Year (the run crosses midnight into a new year).
# PostgreSQL suites are turned off here (the ordinary run covers them), and so is the production
# install (npm ci, build, prune: nothing in it depends on the clock); everything else runs.
# Usage: npm run test:moments            (both moments)
#        npm run test:moments -- '2028-10-28 23:40:00'   (any moment, in UTC)
set -uo pipefail
cd "$(dirname "$0")/.."
if ! command -v faketime >/dev/null 2>&1; then
  echo "faketime is missing: apt-get install -y faketime" >&2
  exit 1
fi
moments=("$@")
[ ${#moments[@]} -gt 0 ] || moments=('2027-03-27 22:30:00' '2027-12-31 22:50:00')
failed=0
for m in "${moments[@]}"; do
  echo "=== the suite at $m UTC"
  if ! TZ=UTC VEIVISER_TEST_POSTGRES=off VEIVISER_TEST_PRODUCTION_INSTALL=off faketime "$m" npx mocha 'test/**/*.test.ts'; then
    echo "=== FAILED at $m UTC"
    failed=1
  fi
done
exit $failed
