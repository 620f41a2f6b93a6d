#!/usr/bin/env bash
# Installs what the notebook tests need and registers Deno's Jupyter kernel. Idempotent: each step is skipped
# when its result is already there (no apt-get when the packages are installed; the kernel spec is rewritten
# with --force, which is harmless). Debian's Python (/usr/bin/python3) runs the notebooks, not a pyenv python3.
#
#   bash tools/install_jupyter.sh          # install when missing, then register the kernel
#   bash tools/install_jupyter.sh --check  # exit 0 only when everything is already in place; install nothing
set -euo pipefail

PY=/usr/bin/python3
PACKAGES=(python3-nbclient jupyter-core)

have_python_modules() {
  [ -x "$PY" ] && "$PY" -c 'import nbclient, nbformat, jupyter_client' >/dev/null 2>&1
}

have_kernel() {
  [ -x "$PY" ] && "$PY" - <<'PYEOF' >/dev/null 2>&1
from jupyter_client.kernelspec import KernelSpecManager
KernelSpecManager().get_kernel_spec("deno")
PYEOF
}

if [ "${1:-}" = "--check" ]; then
  have_python_modules && have_kernel && command -v deno >/dev/null
  exit $?
fi

if ! command -v deno >/dev/null; then
  echo "install_jupyter: deno is not on PATH" >&2
  exit 1
fi

if have_python_modules; then
  echo "install_jupyter: nbclient already installed"
else
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "install_jupyter: apt-get install ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if ! have_python_modules; then
    echo "install_jupyter: $PY still cannot import nbclient" >&2
    exit 1
  fi
fi

# Registers (or refreshes) the kernel spec for the deno on PATH. Without --force a second run exits 1.
deno jupyter --install --force >/dev/null 2>&1 || deno jupyter --install --force
if ! have_kernel; then
  echo "install_jupyter: the deno kernel is not registered" >&2
  exit 1
fi
echo "install_jupyter: deno kernel registered ($(deno --version | head -n1))"
