"""Keep the message catalogues in step with the code: extract the messages of sim/present, sim/serve and
sim/cli, merge them into each language's .po (keeping its translations) and compile the .mo that exsim reads.

    python tools/catalogue.py           # after changing or adding a message; then translate the new ones
    python tools/catalogue.py --check   # exit 1 if a .po lacks a message or a .mo is stale (CI runs the test)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "sim" / "locale"
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2)}
SOURCES = [
    ("present/**.py", "python"),
    ("serve/**.py", "python"),
    ("play/**.py", "python"),
    ("cli/**.py", "python"),
    ("**.py", "ignore"),
]


def extracted() -> Catalog:
    """Every message of sim/present and the command line (the ``_``, ``N_`` and ``n_`` calls)."""
    cat = Catalog(project="exsim", domain="exsim")
    for _file, _line, msg, comments, context in extract_from_dir(ROOT / "sim", SOURCES, keywords=KEYWORDS):
        cat.add(msg, None, flags=("python-brace-format",), auto_comments=comments, context=context)
    return cat


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "exsim.po"


def read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def mo_bytes(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    return buf.getvalue()


def mo_messages(data: bytes) -> tuple[str, dict[object, object]]:
    """What a compiled catalogue says: its plural rule, and message -> translation (plurals as tuples), whatever
    Babel's version laid its bytes out as."""
    cat = read_mo(io.BytesIO(data))

    def key(x: object) -> object:
        return tuple(x) if isinstance(x, list | tuple) else x

    return cat.plural_forms, {key(m.id): key(m.string) for m in cat if m.id}


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / "exsim.po").exists())


def _translated(m: Message | None) -> bool:
    """Has a translation: a string, or every plural form of one (an empty plural is a tuple of empty strings)."""
    if m is None:
        return False
    return all(m.string) if isinstance(m.string, tuple | list) else bool(m.string)


def main(argv: list[str]) -> int:
    template = extracted()
    stale = False
    for lang in languages():
        cat = read(lang)
        if "--check" in argv:
            missing = [m.id for m in template if m.id and not _translated(cat.get(m.id))]
            mo = po_path(lang).with_suffix(".mo")
            if missing or not mo.exists() or mo_messages(mo.read_bytes()) != mo_messages(mo_bytes(cat)):
                print(f"{lang}: {len(missing)} messages untranslated; .mo {'stale' if not missing else 'not checked'}")
                stale = True
            continue
        cat.update(template, no_fuzzy_matching=True)
        cat.obsolete.clear()
        buf = io.BytesIO()
        write_po(buf, cat, omit_header=False, sort_output=True, width=120, no_location=True)
        po_path(lang).write_bytes(buf.getvalue())
        po_path(lang).with_suffix(".mo").write_bytes(mo_bytes(read(lang)))
        untranslated = [m.id for m in cat if m.id and not _translated(m)]
        print(f"{lang}: {len(cat)} messages, {len(untranslated)} to translate")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
