#!/usr/bin/env bash
# Remake the pictures of docs/reports.md from the real output of this checkout.
# Needs: aiprov with the notebook extra (pip install '.[notebook]'), Pillow, and Chromium
# (Debian: apt-get install chromium). Run from anywhere: bash docs/img/make_pictures.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shoot() {  # shoot URL PNG WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$2" \
    --window-size="$3,$4" "$1" 2>/dev/null
}

# The HTML report (exit code 1: the example has errors).
aiprov check examples/chat-product/aibom.yaml --format html -o "$tmp/r.html" || true
shoot "file://$tmp/r.html" "$tmp/report.png" 1280 1600

# The executed notebook as HTML, cropped to the check cell: the summary and the graph.
(cd examples && jupyter nbconvert --execute --to html --output "$tmp/notebook.html" notebook.ipynb)
shoot "file://$tmp/notebook.html" "$tmp/notebook.png" 1100 2600

python3 - "$tmp" <<'EOF'
import sys
from pathlib import Path

from PIL import Image

tmp = Path(sys.argv[1])


def save(image: Image.Image, out: str) -> None:
    """128 colours without dithering: flat UI colours stay exact, the file stays small."""
    image.convert("RGB").quantize(colors=128, dither=Image.Dither.NONE).save(out, optimize=True)


save(Image.open(tmp / "report.png"), "docs/img/report-html.png")
# The crop: from the "In [3]" cell (report = aiprov.check(bom)) to the end of the graph's frame.
save(Image.open(tmp / "notebook.png").crop((20, 1590, 1080, 2335)), "docs/img/notebook-graph.png")
EOF
ls -l docs/img/*.png
