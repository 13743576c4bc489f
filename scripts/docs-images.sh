#!/bin/sh
# Re-make the README's pictures in docs/img/ from synthetic demo figures:
# a printed page of an exported workbook (LibreOffice headless), a chart image and
# the K1 page of the committee paper (fleksmon report, printed by LibreOffice Writer).
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
fleksmon report "$work/rapport.docx" "$@" --by 2020M12
scripts/render-paper.sh "$work/rapport.docx" "$work/paper" 90 >/dev/null
cp "$work/paper/rapport-3.png" docs/img/paper-k1.png
ls -l docs/img/workbook-k1.png docs/img/chart-k1.png docs/img/paper-k1.png
