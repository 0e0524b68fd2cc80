#!/usr/bin/env bash
# Building a whole folder: teikit build (validation + six outputs per document, one process, both cores) vs
# two Java pipelines over the whole folder, with the same stylesheets from xslt/ and a directory as source
# (-s:DIR -o:DIR), after Jing on every file: Saxon-HE once per output (six JVMs, one entry stylesheet each), and
# Saxon-HE once with all.xsl (one JVM for all six outputs, as teikit runs it; the issue's "one JVM").
# (The TEI Consortium's Stylesheets are not available offline here, so Saxon-HE runs teikit's own.)
# Usage: bash bench/build-corpus.sh [FOLDER]   (after npm run build; default: bench/work/corpus-100 from
# make-corpus.mjs; SIX_JVMS=0 skips the six-JVM pipeline, which takes longest on large folders). Documents that
# fail validation are built too (--force), as the Java pipeline builds them.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
SCHEMA="$SHARED/schema/tei_all.rng"
export XML_CATALOG_FILES="$SHARED/schema/catalog.xml" TEIKIT_OFFLINE=1
SAXON="${SAXON_JAR:-/usr/share/java/Saxon-HE.jar}"
[ -d bench/work/corpus-100 ] || node bench/make-corpus.mjs 100 >/dev/null
SRC="${1:-bench/work/corpus-100}"
OUT=bench/work/build-corpus; rm -rf "$OUT"; mkdir -p "$OUT"
# Saxon's directory mode reads one folder level: the documents, flattened through symbolic links.
mkdir -p "$OUT/src"; find "$(cd "$SRC" && pwd)" -name '*.xml' | while read -r f; do ln -s "$f" "$OUT/src/$(echo "${f#$PWD/}" | tr / _)"; done
N=$(ls "$OUT/src" | wc -l)
cat > "$OUT/java-pipeline.sh" <<SH
#!/usr/bin/env bash
cd "$PWD"
jing "$SCHEMA" $OUT/src/*.xml >/dev/null || true
t() { mkdir -p "$OUT/java/\$2"; java -cp "$SAXON" net.sf.saxon.Transform -s:$OUT/src -xsl:"xslt/\$1.xsl" -o:"$OUT/java/\$2" \$3 >/dev/null 2>&1 || true; }
t html html
t text text
t csv entities table=entities
t csv mentions table=mentions
t csv reactions table=reactions
t dc dc
SH
# all.xsl names its five result documents after the principal output, which Saxon's directory mode names NAME.xml.
cat > "$OUT/java-one-jvm.sh" <<SH
#!/usr/bin/env bash
cd "$PWD"
jing "$SCHEMA" $OUT/src/*.xml >/dev/null || true
mkdir -p "$OUT/java-one"
java -cp "$SAXON" net.sf.saxon.Transform -s:$OUT/src -xsl:xslt/all.xsl -o:"$OUT/java-one" >/dev/null 2>&1 || true
SH
echo "machine: $(nproc) cores, node $(node --version), $(java -version 2>&1 | head -1); $N documents from $SRC"
node dist/bin.js validate --quiet "$SRC" >/dev/null 2>&1 || true
/usr/bin/time -f "teikit build --rebuild --force: %e s wall, %U s user + %S s sys, peak %M KB" node dist/bin.js build --quiet --rebuild --force "$SRC" --out "$OUT/teikit" >/dev/null 2>"$OUT/teikit.err" || true
tail -1 "$OUT/teikit.err"
if [ "${SIX_JVMS:-1}" != 0 ]; then
  /usr/bin/time -f "jing + 6 x Saxon-HE over the folder: %e s wall, %U s user + %S s sys, peak %M KB" bash "$OUT/java-pipeline.sh" 2>"$OUT/java.err" || true
  tail -1 "$OUT/java.err"
fi
/usr/bin/time -f "jing + 1 x Saxon-HE with all.xsl over the folder: %e s wall, %U s user + %S s sys, peak %M KB" bash "$OUT/java-one-jvm.sh" 2>"$OUT/java-one.err" || true
tail -1 "$OUT/java-one.err"
echo "outputs: teikit $(find "$OUT/teikit" -type f | wc -l) files, Java $(find "$OUT/java" -type f 2>/dev/null | wc -l) and $(find "$OUT/java-one" -type f 2>/dev/null | wc -l) files"
