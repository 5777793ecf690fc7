#!/usr/bin/env bash
# Rebuilds the shipped fonts from DejaVu Sans 2.37 (Debian's fonts-dejavu-core):
#   apt-get install -y fonts-dejavu-core && python3 -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools
#   PYFTSUBSET=/tmp/ft/bin/pyftsubset bash billing-documents/fonts/subset.sh
# Keeps Latin (with Latin-1 and Extended-A/B), combining accents, Greek, Cyrillic (with the
# supplement), general punctuation, currency signs (₴), letterlike symbols (№), a few arrows, maths
# and shapes; drops TrueType hinting and OpenType layout tables (documents are laid out without
# shaping). The result is about a sixth of the original and makes every PDF smaller and faster.
set -euo pipefail
SRC=${SRC:-/usr/share/fonts/truetype/dejavu}
PYFTSUBSET=${PYFTSUBSET:-pyftsubset}
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UNICODES="U+0020-007E,U+00A0-024F,U+0300-036F,U+0370-03FF,U+0400-052F,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-2199,U+2212,U+2260-2265,U+25A0-25CF,U+FFFD"
for f in DejaVuSans DejaVuSans-Bold; do
  "$PYFTSUBSET" "$SRC/$f.ttf" --unicodes="$UNICODES" --no-hinting --layout-features='' \
    --name-IDs='*' --name-legacy --name-languages='*' --notdef-outline --glyph-names \
    --drop-tables+=FFTM,MATH,GSUB,GPOS,GDEF --output-file="$DIR/$f.ttf"
done
sha256sum "$DIR"/*.ttf
