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
bash bench/corpus.sh "$@"
