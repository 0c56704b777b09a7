#!/usr/bin/env bash
# Opens a RadAudit report in headless Chromium: fails on any console error, writes a full-page screenshot, and prints
# the page's size and its load time (median of 3 loads of the report minus that of an empty page).
#
#   scripts/check-report.sh audit-example/report.html [screenshot.png]
#
# Installs Chromium (Debian package `chromium`) when it is missing and apt-get is available.
set -euo pipefail
report=$(realpath "$1")
shot=${2:-${report%.html}.png}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$(mktemp -d)")
log=$(mktemp)
"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --window-size=1280,2400 --screenshot="$shot" "file://$report" 2>"$log" >/dev/null
if grep -E "CONSOLE|Uncaught" "$log" | grep -iE "error|uncaught" >/dev/null; then
  echo "check-report: console errors in $report:" >&2
  grep -E "CONSOLE|Uncaught" "$log" >&2
  exit 1
fi
blank=$(mktemp --suffix=.html); echo "<!DOCTYPE html><title>blank</title>" > "$blank"
load() {  # seconds to load $1 and print its DOM, three times; the median
  for _ in 1 2 3; do
    start=$(date +%s.%N); "$browser" "${flags[@]}" --dump-dom "file://$1" >/dev/null 2>&1; end=$(date +%s.%N)
    echo "$end - $start" | bc
  done | sort -n | sed -n 2p
}
t_report=$(load "$report"); t_blank=$(load "$blank")
size=$(stat -c %s "$report")
printf 'check-report: %s: %.2f MB, no console errors, load %.2f s (%.2f s with browser start-up), screenshot %s\n' \
  "$report" "$(echo "$size / 1000000" | bc -l)" "$(echo "$t_report - $t_blank" | bc -l)" "$t_report" "$shot"
