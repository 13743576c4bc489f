#!/bin/sh
# Render an Excel workbook to PNG pages, as it would print, for reviewers.
#
#   scripts/render-workbook.sh report.xlsx [OUTDIR] [DPI]
#
# Every sheet is printed with its own page setup (landscape, one page wide,
# header rows repeated) by LibreOffice headless into OUTDIR/report.pdf, and
# each page becomes OUTDIR/report-N.png. Needs LibreOffice Calc and poppler:
#   apt-get install -y libreoffice-calc-nogui poppler-utils
set -eu
if [ $# -lt 1 ]; then
    echo "usage: $0 WORKBOOK.xlsx [OUTDIR] [DPI]" >&2
    exit 2
fi
book=$1
out=${2:-$(dirname "$book")}
dpi=${3:-80}
name=$(basename "$book" .xlsx)
for tool in soffice pdftoppm; do
    command -v "$tool" >/dev/null || {
        echo "Error: $tool not found. Install libreoffice-calc-nogui and poppler-utils." >&2
        exit 2
    }
done
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation=file://"$profile" --headless --convert-to pdf \
    --outdir "$out" "$book" >/dev/null
pdftoppm -png -r "$dpi" "$out/$name.pdf" "$out/$name"
ls "$out/$name"-*.png
