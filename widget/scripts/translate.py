"""Fills the XLIFF files `lit-localize extract` writes with the translations in xliff/translations.tsv.

Run after adding or changing a message: `npm run localize -w @voltshare/widget`. Placeholders are
written `{0}`, `{1}` in the table and become the XLIFF `<x>` elements of the source.
"""
import csv, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent / 'xliff'
rows = list(csv.reader(open(root / 'translations.tsv', encoding='utf-8'), delimiter='\t'))
header, table = rows[0], {r[0]: r for r in rows[1:]}
missing = set()
for path in sorted(root.glob('*.xlf')):
    locale = path.stem
    column = header.index(locale)
    text = path.read_text(encoding='utf-8')

    def fill(match):
        unit, source = match.group(1), match.group(2)
        placeholders = {number: tag for tag, number in re.findall(r'(<x id="(\d+)"[^>]*/>)', source)}
        key = re.sub(r'<x id="(\d+)"[^>]*/>', r'{\1}', source)
        row = table.get(key)
        if not row:
            missing.add(key)
            return match.group(0)
        target = re.sub(r'\{(\d+)\}', lambda m: placeholders[m.group(1)], row[column].replace('&', '&amp;').replace('<', '&lt;'))
        return f'{unit}  <source>{source}</source>\n  <target>{target}</target>\n</trans-unit>'

    text = re.sub(r'(<trans-unit id="[^"]+">\n)  <source>(.*?)</source>\n(?:  <target>.*?</target>\n)?</trans-unit>', fill, text, flags=re.S)
    path.write_text(text, encoding='utf-8')
if missing:
    sys.exit('untranslated messages:\n' + '\n'.join(sorted(missing)))
