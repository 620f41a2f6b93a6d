#!/usr/bin/env bash
# Installs the command-line tools the tests drive the project with, from Debian, when any is missing:
# python3-requests (a client of the sandbox that is not ours), curl, patch (applies sql_writer's diffs) and
# util-linux's script (a pseudo-terminal for the terminal-only output). Idempotent: nothing is installed when all
# are there.
#
#   bash tools/install_test_tools.sh          # install what is missing
#   bash tools/install_test_tools.sh --check  # exit 0 only when everything is there; install nothing
set -euo pipefail

missing=()
/usr/bin/python3 -c 'import requests' >/dev/null 2>&1 || missing+=(python3-requests)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v patch >/dev/null 2>&1 || missing+=(patch)
[ -x /usr/bin/script ] || missing+=(bsdutils)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "install_test_tools: missing ${missing[*]}" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
