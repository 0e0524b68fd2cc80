#!/usr/bin/env bash
# Schematron and pointer checks: what they add to `teikit validate` on one document, against Jing (RELAX NG only).
# Usage: bash bench/schematron.sh   (after npm run build). hyperfine's JSON goes to bench/work/schematron/.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
SCHEMA="$SHARED/schema/tei_all.rng"
export XML_CATALOG_FILES="$SHARED/schema/catalog.xml" TEIKIT_OFFLINE=1
OUT=bench/work/schematron; mkdir -p "$OUT"
WARM="$OUT/cache-warm"; NOV8="$OUT/cache-no-v8"
EDITION=tei/puzanov-1957-07-08.xml
DOC="$SHARED/corpus/docs/arthur-schnitzler--schnitzler-briefe-data--data__editions__L04306.xml"

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), node $(node --version)"
# Fill the cache once: derived RELAX NG, compiled Schematron (SEF) and V8's code cache of SaxonJS.
TEIKIT_CACHE_DIR="$WARM" node dist/bin.js validate --schema "$SCHEMA" "$EDITION" "$DOC" >/dev/null 2>&1 || true

for f in "$EDITION" "$DOC"; do
  name=$(basename "$f" .xml)
  hyperfine -N -w 2 -r 10 -i --export-json "$OUT/validate-$name.json" \
    -n "teikit validate (RELAX NG + Schematron + pointers, warm cache)" "env TEIKIT_CACHE_DIR=$WARM node dist/bin.js validate --schema $SCHEMA $f" \
    -n "jing (RELAX NG only)" "jing $SCHEMA $f"
done

# The parts: loading SaxonJS with and without V8's code cache, then one Schematron run on the edition.
cat > "$OUT/load.mjs" <<'JS'
import { loadSaxon } from '../../../dist/validate/schematron-saxon.js';
await loadSaxon({ cacheDir: process.argv[2] === '-' ? null : process.argv[2] });
JS
node "$OUT/load.mjs" "$WARM"
hyperfine -N -w 2 -r 15 --export-json "$OUT/load-saxon.json" \
  -n "node: empty script" "node -e 0" \
  -n "load SaxonJS (require)" "node -r saxon-js -e 0" \
  -n "load SaxonJS (vm + V8 code cache, axios deferred)" "node $OUT/load.mjs $WARM" \
  -n "load SaxonJS (vm, no code cache, axios deferred)" "node $OUT/load.mjs -"

# Step by step, in CPU time (robust on a busy machine).
for f in "$EDITION" "$DOC"; do echo "== $f"; node bench/schematron-phases.mjs "$WARM" "$f"; done
