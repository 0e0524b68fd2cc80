#!/usr/bin/env bash
# The corpus-validation target of issue 7, measured in pairs: teikit and Jing alternate run by run on the 230
# documents Jing judges, so a machine whose speed drifts from minute to minute (it is shared) slows both alike.
# Prints every run (wall, CPU = user + sys, peak memory) and the means, then the ratio of the mean walls.
#   bash bench/alternate.sh [ROUNDS] [-- EXTRA TEIKIT OPTIONS]      default: 5 rounds, all checks, --jobs 2
# Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=5
if [ $# -gt 0 ] && [ "$1" != "--" ]; then ROUNDS=$1; shift; fi
[ "${1:-}" = "--" ] && shift
EXTRA=("$@")
export XML_CATALOG_FILES="$(cd ../shared/schema && pwd)/catalog.xml"
export TEIKIT_OFFLINE=1
SCHEMA="$(cd ../shared/schema && pwd)/tei_all.rng"
node bench/make-corpus.mjs 100 >/dev/null
mapfile -t FILES < bench/work/jing-files.txt
# The derived schemas and Schematron tables are cached on disk: a first run fills the cache (users see warm runs).
node dist/bin.js validate --quiet --schema "$SCHEMA" --jobs 2 "${EXTRA[@]}" "${FILES[@]}" >/dev/null 2>&1 || true

run() { # label, command... -> "label wall cpu peakKB"
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o bench/work/alternate.time "$@" >/dev/null 2>&1 || true
  read -r wall user sys peak < <(tail -1 bench/work/alternate.time)
  echo "$label $wall $(echo "$user + $sys" | bc) $peak"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), node $(node --version), ${#FILES[@]} documents"
echo "teikit: node dist/bin.js validate --quiet --schema tei_all.rng --jobs 2 ${EXTRA[*]} FILE…; jing: jing tei_all.rng FILE…"
{
  for ((i = 1; i <= ROUNDS; i++)); do
    run teikit node dist/bin.js validate --quiet --schema "$SCHEMA" --jobs 2 "${EXTRA[@]}" "${FILES[@]}"
    run jing jing "$SCHEMA" "${FILES[@]}"
  done
} | tee bench/work/alternate.log | awk '{ printf "%-7s %6.2f s wall %6.2f s CPU %5d MB\n", $1, $2, $3, $4 / 1024 }'
awk '{ w[$1] += $2; c[$1] += $3; n[$1]++ }
  END {
    for (k in w) printf "%-7s mean %6.2f s wall %6.2f s CPU over %d runs\n", k, w[k] / n[k], c[k] / n[k], n[k]
    printf "teikit / jing: %.2f (wall), %.2f (CPU)\n", (w["teikit"] / n["teikit"]) / (w["jing"] / n["jing"]), (c["teikit"] / n["teikit"]) / (c["jing"] / n["jing"])
  }' bench/work/alternate.log
