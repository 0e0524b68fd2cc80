#!/usr/bin/env bash
# RELAX NG validation, side by side on this machine: teikit vs Jing vs native xmllint, against TEI P5 tei_all.
# Usage: bash bench/validate.sh   (after npm run build). Writes hyperfine's JSON next to this script in work/.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
SCHEMA="$SHARED/schema/tei_all.rng"
DOCS="$SHARED/corpus/docs"
export XML_CATALOG_FILES="$SHARED/schema/catalog.xml" TEIKIT_OFFLINE=1
OUT=bench/work/validate; mkdir -p "$OUT"
WARM="$OUT/cache-warm"; COLD="$OUT/cache-cold"
# A typical corpus document: median size (13 kB), valid under Jing, no xml-model pointing elsewhere.
DOC="$DOCS/arthur-schnitzler--schnitzler-tagebuch-data--editions__entry__1922-10-10.xml"
EDITION=tei/puzanov-1957-07-08.xml

echo "machine: $(nproc) cores, node $(node --version), $(jing 2>&1 | head -1 || true)"
for f in "$DOC" $( [ -f "$EDITION" ] && echo "$EDITION" ); do
  name=$(basename "$f" .xml)
  # Warm: the derived schema is already cached. Cold: empty cache (tei_all is parsed, restricted, cached).
  TEIKIT_CACHE_DIR="$WARM" node dist/bin.js validate --schema "$SCHEMA" "$f" || true
  hyperfine -N -w 2 -r 10 -i --export-json "$OUT/validate-$name.json" \
    -n "teikit (warm cache)" "env TEIKIT_CACHE_DIR=$WARM node dist/bin.js validate --schema $SCHEMA $f" \
    -n "teikit (cold cache)" --prepare "rm -rf $COLD" "env TEIKIT_CACHE_DIR=$COLD node dist/bin.js validate --schema $SCHEMA $f" \
    -n "jing" "jing $SCHEMA $f" \
    -n "xmllint --relaxng (native)" "xmllint --noout --relaxng $SCHEMA $f"
done

# The corpus folder (237 documents): teikit once per folder; Jing on every file in one JVM.
TEIKIT_CACHE_DIR="$WARM" node dist/bin.js validate --schema "$SCHEMA" "$DOCS" >/dev/null 2>&1 || true
hyperfine -N -w 0 -r 2 -i --export-json "$OUT/validate-corpus.json" \
  -n "teikit corpus (warm cache)" "env TEIKIT_CACHE_DIR=$WARM node dist/bin.js validate --schema $SCHEMA $DOCS" \
  -n "teikit corpus (cold cache)" --prepare "rm -rf $COLD" "env TEIKIT_CACHE_DIR=$COLD node dist/bin.js validate --schema $SCHEMA $DOCS" \
  -n "jing corpus (one JVM)" "bash -c 'cd $DOCS && jing $SCHEMA *.xml'"
