#!/bin/sh
# Re-make the README's pictures in docs/img/ from synthetic demo figures:
# a printed page of an exported workbook (LibreOffice headless) and a chart image.
#
#   scripts/docs-images.sh
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python scripts/demo-store.py "$work/store"
set -- -s "$work/store" -c 1 -k Viborg -k Thisted -k Gentofte -k Ballerup
fleksmon export "$work/report.xlsx" "$@"
mkdir -p "$work/fig"
fleksmon chart "$work/fig" "$@" --image png
scripts/render-workbook.sh "$work/report.xlsx" "$work/pages" 90 >/dev/null
cp "$work/pages/report-1.png" docs/img/workbook-k1.png
cp "$work/fig/K1.png" docs/img/chart-k1.png
ls -l docs/img/workbook-k1.png docs/img/chart-k1.png
