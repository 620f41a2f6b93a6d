#!/bin/sh
# Run go-fivetran's end-to-end suite (Fivetran's official Go SDK, written against the live API) against the
# sandbox, unmodified. Needs Go and a go-fivetran checkout; nothing here is needed by CI.
#
#   tools/go_fivetran_e2e.sh /path/to/go-fivetran [go test flags, e.g. -test.run 'Group']
#
# The suite reads FIVETRAN_API_URL, FIVETRAN_APIKEY, FIVETRAN_APISECRET (and two certificate variables) and
# insists on a predefined group "sepulchre_settlement" named GoSdkTesting and user "recoup_befell" named Go:
# tools/go_fivetran_e2e_seed.json provides them. Prints the pass/fail counts last. SANDBOX_FLAGS adds sandbox flags,
# e.g. SANDBOX_FLAGS=--legacy-connectors for go-fivetran's connect-card call, which still uses /v1/connectors/...
set -eu
src=${1:?usage: tools/go_fivetran_e2e.sh GO_FIVETRAN_DIR [go test flags]}
shift
here=$(cd "$(dirname "$0")" && pwd)
bin=$(mktemp -d)/e2e.test
log=$(mktemp)
(cd "$src/tests/e2e" && GOFLAGS=-mod=mod go test -c -o "$bin" .) >&2
deno run --quiet --allow-net=127.0.0.1 --allow-read "$here/../lib/sandbox/cli.ts" --port 0 \
  --seed "$here/go_fivetran_e2e_seed.json" ${SANDBOX_FLAGS:-} >"$log.env" 2>"$log.sandbox" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
while [ ! -s "$log.env" ]; do sleep 0.1; done
base=$(sed -n 's/.*FIVETRAN_BASE_URL=\([^ ]*\).*/\1/p' "$log.env")
echo "sandbox at $base" >&2
(cd "$src/tests/e2e" && FIVETRAN_API_URL=$base FIVETRAN_APIKEY=sandbox_api_key FIVETRAN_APISECRET=sandbox_api_secret \
  FIVETRAN_TEST_CERTIFICATE_HASH=sandbox_cert_hash FIVETRAN_TEST_CERTIFICATE=c2FuZGJveA== \
  "$bin" -test.v -test.count=1 "$@" >"$log" 2>&1) || true
grep -E '^(--- FAIL|FAIL|ok|panic)' "$log" | head -200 >&2 || true
pass=$(grep -c '^--- PASS' "$log" || true)
fail=$(grep -c '^--- FAIL' "$log" || true)
skip=$(grep -c '^--- SKIP' "$log" || true)
echo "go-fivetran e2e against the sandbox: $pass passed, $fail failed, $skip skipped (full log: $log)"
