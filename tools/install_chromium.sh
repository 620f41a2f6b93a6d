#!/usr/bin/env bash
# Installs Debian's Chromium, which the account report test opens its page in (headless). Idempotent: nothing is
# installed when a chromium binary is already on PATH.
#
#   bash tools/install_chromium.sh          # install when missing
#   bash tools/install_chromium.sh --check  # exit 0 only when chromium is there; install nothing
set -euo pipefail

if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
