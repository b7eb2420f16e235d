#!/usr/bin/env bash
# Installs the test-only Python extras (`crosscheck`: pm4py, retentioneering, psutil;
# `spark`: pyspark) into the project venv. Safe to run again: a stamp holding the
# hash of pyproject.toml makes a second run with an unchanged pyproject.toml a no-op.
#
# Usage: scripts/python-test-deps.sh [VENV]   (VENV defaults to .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv}"
extras="dev,crosscheck,spark"
stamp="$venv/.test-extras"
want="$extras $(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "python-test-deps: installing extras [$extras] into $venv" >&2
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e ".[$extras]"
echo "$want" >"$stamp"
