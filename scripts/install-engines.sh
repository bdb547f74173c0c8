#!/usr/bin/env bash
# Installs the speech engines a Parley node uses (Debian packages; needs root or sudo):
# pocketsphinx for recognition, apertium with the English-Spanish pair for translation, espeak-ng for speech.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
apt_install pocketsphinx pocketsphinx-en-us apertium apertium-eng-spa espeak-ng "$@"
