#!/usr/bin/env bash
# Every benchmark, side by side with its reference tool on this machine (`npm run bench`). Run it on an
# otherwise idle machine: the figures in bench/README.md are only comparable within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
bash bench/validate.sh
bash bench/schematron.sh
bash bench/build.sh
bash bench/build-corpus.sh
# The engines alone, per document; the Java side is compiled here, so it needs a JDK's javac.
if command -v javac >/dev/null; then bash bench/transform-per-document.sh; else echo 'transform-per-document.sh not run: it needs javac (a JDK)'; fi
bash bench/corpus.sh "$@"
