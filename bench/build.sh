#!/usr/bin/env bash
# teikit build of the edition vs the standard Java pipeline a build script would run for the same result:
# Jing for validation, then Saxon-HE (Java) once per output with the same stylesheets from xslt/, or once with
# all.xsl (all six outputs in one JVM, as teikit runs it).
# Usage: bash bench/build.sh   (after npm run build). Writes hyperfine's JSON to bench/work/build/.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
SCHEMA="$SHARED/schema/tei_all.rng"
export XML_CATALOG_FILES="$SHARED/schema/catalog.xml" TEIKIT_OFFLINE=1
SAXON="${SAXON_JAR:-/usr/share/java/Saxon-HE.jar}"
DOC="${1:-tei/puzanov-1957-07-08.xml}"
NAME=$(basename "$DOC" .xml)
OUT=bench/work/build; mkdir -p "$OUT/teikit" "$OUT/java"

# The Java pipeline: one process per step, as a Makefile or shell script would run it.
cat > "$OUT/java-pipeline.sh" <<SH
#!/usr/bin/env bash
set -e
jing "$SCHEMA" "$DOC"
t() { java -cp "$SAXON" net.sf.saxon.Transform -s:"$DOC" -xsl:"xslt/\$1.xsl" -o:"$OUT/java/$NAME\$2" \$3; }
t html .html
t text .txt
t csv .entities.csv table=entities
t csv .mentions.csv table=mentions
t csv .reactions.csv table=reactions
t dc .dc.xml
SH
chmod +x "$OUT/java-pipeline.sh"
cat > "$OUT/java-one-jvm.sh" <<SH
#!/usr/bin/env bash
set -e
jing "$SCHEMA" "$DOC"
java -cp "$SAXON" net.sf.saxon.Transform -s:"$DOC" -xsl:xslt/all.xsl -o:"$OUT/java-one/$NAME.html"
SH
chmod +x "$OUT/java-one-jvm.sh"

echo "machine: $(nproc) cores, node $(node --version), $(java -version 2>&1 | head -1), Saxon-HE $(unzip -p "$SAXON" META-INF/MANIFEST.MF 2>/dev/null | grep -i 'Implementation-Version\|Bundle-Version' | head -1 | tr -d '\r' || true)"
# Warm teikit's schema cache once (a user's second build); the cold figure is measured too.
node dist/bin.js build "$DOC" --out "$OUT/teikit" >/dev/null 2>&1
# --rebuild: since incremental builds, a build with nothing changed skips the document (measured on its own).
hyperfine -N -w 1 -r "${RUNS:-5}" --export-json "$OUT/build.json" \
  -n "teikit build" "node dist/bin.js build $DOC --out $OUT/teikit --rebuild" \
  -n "teikit build (cold schema cache)" --prepare "rm -rf $OUT/cold" "env TEIKIT_CACHE_DIR=$OUT/cold node dist/bin.js build $DOC --out $OUT/teikit --rebuild" \
  -n "teikit build (up to date, skipped)" "node dist/bin.js build $DOC --out $OUT/teikit" \
  -n "jing + 6 x Saxon-HE (Java)" "bash $OUT/java-pipeline.sh" \
  -n "jing + 1 x Saxon-HE, all.xsl (Java)" "bash $OUT/java-one-jvm.sh"

# The parts of teikit's time: validation alone, and the transforms alone (in-process, parse once, SEF loaded once).
hyperfine -N -w 1 -r "${RUNS:-5}" --export-json "$OUT/parts.json" \
  -n "teikit validate" "node dist/bin.js validate $DOC" \
  -n "jing" "jing $SCHEMA $DOC" \
  -n "Saxon-HE, HTML only" "java -cp $SAXON net.sf.saxon.Transform -s:$DOC -xsl:xslt/html.xsl -o:$OUT/java/$NAME.html"
