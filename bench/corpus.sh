#!/usr/bin/env bash
# Corpus-scale benchmarks (bench/README.md, "## Corpus scale"). Needs `npm run build` first.
# Every figure is one run of the command printed above it: wall time, CPU time (user+sys, all threads)
# and peak resident memory, from GNU time. The machine has 2 cores; run it when nothing else is busy.
#   bash bench/corpus.sh [SIZES...]      default sizes: 100 1000 10000
set -euo pipefail
cd "$(dirname "$0")/.."
export XML_CATALOG_FILES="$(cd ../shared/schema && pwd)/catalog.xml"
export TEIKIT_OFFLINE=1
SCHEMA="$(cd ../shared/schema && pwd)/tei_all.rng"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100 1000 10000)
TEIKIT="node dist/bin.js"
measure() { # label, command...
  local label=$1; shift
  # The command as run, with long file lists shortened.
  if (($# > 8)); then echo "\$ ${*:1:6} … ($(($# - 6)) more arguments)"; else echo "\$ $*"; fi
  /usr/bin/time -f "$label: %e s wall, %U s user + %S s sys, peak %M KB" "$@" >/dev/null 2>bench/work/last.err || true
  # The label is matched as fixed text ("xmllint (native)" holds parentheses); no match must not stop the script.
  { grep -E "^teikit: [0-9]+ documents" bench/work/last.err || true; grep -F "$label:" bench/work/last.err || true; } | tail -2
}

node bench/make-corpus.mjs "${SIZES[@]}"
mapfile -t JING_FILES < bench/work/jing-files.txt
# Derived schemas are cached on disk; a first run fills the cache, the figures are for warm runs as users see them.
$TEIKIT validate --quiet --schema "$SCHEMA" "${JING_FILES[@]}" >/dev/null 2>&1 || true

echo "== Validation of the shared corpus (the ${#JING_FILES[@]} documents Jing judges), against tei_all =="
measure jing jing "$SCHEMA" "${JING_FILES[@]}"
# Native libxml2 compiles tei_all once per invocation (~7 s), then validates every file given.
measure "xmllint (native)" xmllint --noout --relaxng "$SCHEMA" "${JING_FILES[@]}"
measure "teikit --jobs 2" $TEIKIT validate --schema "$SCHEMA" --jobs 2 "${JING_FILES[@]}"
measure "teikit --jobs 1" $TEIKIT validate --schema "$SCHEMA" --jobs 1 "${JING_FILES[@]}"
# What Jing checks and nothing more: well-formedness and RELAX NG, no Schematron, no pointer integrity.
measure "teikit RELAX NG only --jobs 2" $TEIKIT validate --no-schematron --no-pointers --schema "$SCHEMA" --jobs 2 "${JING_FILES[@]}"

for n in "${SIZES[@]}"; do
  echo "== Scaling: corpus-$n (folder) =="
  $TEIKIT validate --quiet --schema "$SCHEMA" bench/work/corpus-$n >/dev/null 2>&1 || true
  measure "teikit validate corpus-$n" $TEIKIT validate --schema "$SCHEMA" bench/work/corpus-$n
  if [ "$n" -le 1000 ]; then
    mapfile -t FILES < <(find bench/work/corpus-$n -name '*.xml' | sort)
    measure "jing corpus-$n" jing "$SCHEMA" "${FILES[@]}"
  fi
done

echo "== A save in watch mode (file change -> diagnostics printed) =="
node bench/watch-latency.mjs 10
