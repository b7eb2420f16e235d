#!/usr/bin/env bash
# Installs the system packages the tests need (Debian), once. Safe to run again.
set -euo pipefail
need=()
# Each feature that needs a system package adds its check here.
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
# Avatars and emoji in PNG/PDF maps: Chromium draws them with a colour emoji font.
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
[ -x /usr/bin/pdftoppm ] || need+=(poppler-utils)
# Event analytics on Spark (tests/test_events_engines.py): a Java 17 runtime, and
# procps (`ps`), which Spark's launch scripts call.
if ! { java -version 2>&1 | grep -q 'version "17' || compgen -G '/usr/lib/jvm/java-17-openjdk-*/bin/java' >/dev/null; }; then
  need+=(openjdk-17-jre-headless)
fi
command -v ps >/dev/null || need+=(procps)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: need ${need[*]} (run as root, or install them) — tests that need them will be skipped" >&2
  exit 0
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
