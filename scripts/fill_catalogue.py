"""Fill locale/en/LC_MESSAGES/django.po from scripts/en_catalogue.tsv (a developer tool; needs polib).

Run `make messages` afterwards (or before: it re-extracts, then this fills, then compile).
"""

import csv
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
table = {
    row[0]: row[1] for row in csv.reader((ROOT / "scripts/en_catalogue.tsv").open(encoding="utf-8"), delimiter="\t")
}
po = polib.pofile(str(ROOT / "locale/en/LC_MESSAGES/django.po"))
missing = []
# A key `context::msgid` translates a string marked with that context ({% translate "登录" context "action" %}).
for entry in po:
    key = f"{entry.msgctxt}::{entry.msgid}" if entry.msgctxt else entry.msgid
    if entry.msgctxt and key in table:
        entry.msgstr = table[key]
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        continue
    if entry.msgctxt:
        missing.append(key)
        continue
    if entry.msgid_plural:
        english = table.get(entry.msgid)
        if english:
            entry.msgstr_plural = {0: english, 1: english}
    elif entry.msgid in table:
        entry.msgstr = table[entry.msgid]
    else:
        if "fuzzy" in entry.flags:
            entry.msgstr = ""  # gettext's guess from a similar string is not a translation
        if not entry.msgstr and entry.msgid != "Home":
            missing.append(entry.msgid)
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = None
po.save()
if missing:
    print("untranslated:", *missing, sep="\n  ", file=sys.stderr)
