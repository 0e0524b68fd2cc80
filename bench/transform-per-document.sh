#!/usr/bin/env bash
# Where a folder build's time goes, engine against engine: the steady-state time of each document's six outputs
# (parse + all.xsl, serialized to memory, fastest of REPS runs after two warm-up passes, one thread) in SaxonJS
# through teikit's engine and in Saxon-HE (Java), compiled once. No validation, no JVM start, no file writing:
# only the XSLT engines, on the same stylesheet and documents.
# Usage: bash bench/transform-per-document.sh [FOLDER] [REPS]   (after npm run build; needs javac, from a JDK;
# default bench/work/corpus-100 from make-corpus.mjs, 3 runs). Writes bench/work/per-document/{java,saxonjs}.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
SAXON="${SAXON_JAR:-/usr/share/java/Saxon-HE.jar}"
[ -d bench/work/corpus-100 ] || node bench/make-corpus.mjs 100 >/dev/null
SRC="${1:-bench/work/corpus-100}"
REPS="${2:-3}"
OUT=bench/work/per-document; rm -rf "$OUT"; mkdir -p "$OUT/classes"
find "$SRC" -name '*.xml' | sort > "$OUT/files.txt"
javac -cp "$SAXON" -d "$OUT/classes" bench/java/PerDocument.java
echo "machine: $(nproc) cores, node $(node --version), $(java -version 2>&1 | head -1); $(wc -l < "$OUT/files.txt") documents from $SRC, fastest of $REPS"
java -Xss8m -cp "$SAXON:$OUT/classes" PerDocument xslt/all.xsl "$OUT/files.txt" "$REPS" > "$OUT/java.tsv"
node bench/transform-per-document.mjs "$OUT/files.txt" "$REPS" > "$OUT/saxonjs.tsv"
node - "$OUT" <<'JS'
const fs = require('node:fs');
const read = (f) => new Map(fs.readFileSync(`${process.argv[2]}/${f}`, 'utf8').trim().split('\n').map((l) => l.split('\t')));
const java = read('java.tsv'), js = read('saxonjs.tsv');
const rows = [...java].filter(([f, t]) => t !== '-' && js.get(f) && js.get(f) !== '-')
  .map(([f, t]) => ({ f, java: Number(t), js: Number(js.get(f)), bytes: fs.statSync(f).size }));
const sum = (k) => rows.reduce((n, r) => n + r[k], 0);
const ratios = rows.map((r) => r.js / r.java).sort((a, b) => a - b);
console.log(`${rows.length} documents on both (${java.size - rows.length} failed in one engine or both)`);
console.log(`sum: SaxonJS ${(sum('js') / 1000).toFixed(2)} s, Saxon-HE ${(sum('java') / 1000).toFixed(2)} s: ${(sum('js') / sum('java')).toFixed(2)}x`);
console.log(`per document: median ${ratios[ratios.length >> 1].toFixed(1)}x, from ${ratios[0].toFixed(1)}x to ${ratios[ratios.length - 1].toFixed(1)}x`);
console.log('largest differences (ms SaxonJS, ms Saxon-HE, ratio, bytes, document):');
for (const r of rows.sort((a, b) => b.js - b.java - (a.js - a.java)).slice(0, 6))
  console.log(`  ${r.js.toFixed(0)}\t${r.java.toFixed(1)}\t${(r.js / r.java).toFixed(1)}x\t${r.bytes}\t${r.f.split('/').pop()}`);
JS
