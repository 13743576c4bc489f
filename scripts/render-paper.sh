#!/bin/sh
# Render a Word paper (fleksmon report) to PNG pages, as it prints, for reviewers.
#
#   scripts/render-paper.sh rapport.docx [OUTDIR] [DPI]
#
# LibreOffice Writer headless prints the document into OUTDIR/rapport.pdf and
# each page becomes OUTDIR/rapport-N.png. Needs LibreOffice Writer and poppler:
#   apt-get install -y libreoffice-writer-nogui poppler-utils
# (fonts-crosextra-carlito gives Calibri's metrics). LibreOffice shows the
# contents list's page numbers as fleksmon estimated them; Word updates them.
set -eu
if [ $# -lt 1 ]; then
    echo "usage: $0 PAPER.docx [OUTDIR] [DPI]" >&2
    exit 2
fi
paper=$1
out=${2:-$(dirname "$paper")}
dpi=${3:-80}
name=$(basename "$paper" .docx)
for tool in soffice pdftoppm; do
    command -v "$tool" >/dev/null || {
        echo "Error: $tool not found. Install libreoffice-writer-nogui and poppler-utils." >&2
        exit 2
    }
done
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation=file://"$profile" --headless --convert-to pdf \
    --outdir "$out" "$paper" >/dev/null
pdftoppm -png -r "$dpi" "$out/$name.pdf" "$out/$name"
ls "$out/$name"-*.png
