#!/usr/bin/env bash
# Sets up a fresh Debian machine and builds the whole site into output/.
# Installs: the Debian libraries WeasyPrint and the tests need, the Python
# packages from pyproject.toml, and the Node tools the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

if command -v apt-get >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 \
    shared-mime-info libcairo2 libraqm0 poppler-utils zbar-tools chromium default-jre-headless rsync \
    libgs-common libzbar0 >/dev/null
  # Node may already come from elsewhere (with its own npm); Debian's only if missing.
  if ! command -v npm >/dev/null; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
  fi
fi

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
# The plugin byte-compiled once: where PYTHONDONTWRITEBYTECODE is set, every build would compile it
# again (a twentieth of a rebuild). An edited module is compiled afresh, as always.
python3 -m compileall -q plugins >/dev/null

if [ -f package.json ]; then
  npm ci --silent --no-audit --no-fund
fi

python3 -m invoke build
