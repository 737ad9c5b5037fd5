"""The Dutch catalogue: complete, free of fuzzy entries, placeholders intact,
and up to date with the source.

Dutch is the default language, so a message without a Dutch translation
appears in English on a Dutch page. These tests turn that into a failure that
names the message ids; `make makemessages` adds new ids to the catalogue
(src/hoeksteen/locale/nl/LC_MESSAGES/django.po), where they are translated.

The catalogue is read with a small parser below rather than a library, so the
checks add no dependency; msgfmt (GNU gettext, which makemessages needs
anyway) is the second opinion on the file's syntax.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "hoeksteen"
CATALOGUE = SOURCE / "locale" / "nl" / "LC_MESSAGES" / "django.po"
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


@dataclass
class Entry:
    """One message of a .po file; `msgstr` holds one string per plural form."""

    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"line {self.line}: {context}{self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_STRING = re.compile(r'^"(.*)"$')
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$")


def _unquote(text: str, line: int) -> str:
    match = _STRING.match(text.strip())
    if not match:
        raise ValueError(f"line {line}: expected a quoted string, got {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), match.group(1))


def parse_po(text: str) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") first.

    Obsolete entries (#~) are left out: gettext never uses them.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    field_name: str | None = None
    pending_flags: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if current is None or field_name is None:
                raise ValueError(f"line {number}: a string outside an entry")
            _append(current, field_name, _unquote(line, number))
            continue
        match = _KEYWORD.match(line)
        if not match:
            raise ValueError(f"line {number}: cannot read {raw!r}")
        keyword, index, value = match.groups()
        # An entry starts at its msgctxt, or at its msgid when it has none.
        if keyword == "msgctxt" or (keyword == "msgid" and field_name != "msgctxt"):
            current = Entry(line=number, flags=pending_flags)
            entries.append(current)
            pending_flags = set()
        if current is None:
            raise ValueError(f"line {number}: {keyword} before any msgid")
        field_name = f"msgstr[{index or 0}]" if keyword.startswith("msgstr") else keyword
        _set(current, field_name, _unquote(value, number))
    return entries


def _set(entry: Entry, name: str, value: str) -> None:
    if name.startswith("msgstr["):
        entry.msgstr[int(name[7:-1])] = value
    else:
        setattr(entry, name, value)


def _append(entry: Entry, name: str, value: str) -> None:
    if name.startswith("msgstr["):
        entry.msgstr[int(name[7:-1])] += value
    else:
        setattr(entry, name, (getattr(entry, name) or "") + value)


def _header(entries: list[Entry]) -> dict[str, str]:
    header = entries[0]
    assert header.msgid == "", "the catalogue has no header"
    assert header.msgctxt is None, "the catalogue has no header"
    pairs = (line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def _messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid or e.msgctxt is not None]


# %(name)s, %s, %5.2f … but not %%, which is a literal percent sign.
_PERCENT = re.compile(r"%(?:\((\w+)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
# {name}, {0}, {} with an optional conversion and format spec; {{ and }} are literal.
_BRACE = re.compile(r"(?<!\{)\{(\w*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def placeholders(text: str, flags: set[str]) -> Counter[str]:
    """The placeholders of a message, by the format xgettext found in it.

    Without a format flag a message has none: its % and {} are plain text.
    """
    found: Counter[str] = Counter()
    if "python-format" in flags:
        found.update(m.group(0) for m in _PERCENT.finditer(text.replace("%%", "")))
    if "python-brace-format" in flags:
        found.update(m.group(0) for m in _BRACE.finditer(text))
    return found


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    assert CATALOGUE.exists(), f"{CATALOGUE} is missing; run `make makemessages`."
    return parse_po(CATALOGUE.read_text(encoding="utf-8"))


def test_it_understands_the_po_format() -> None:
    # The parser is what the other tests stand on; show that it reads
    # continuation lines, escapes, plurals, contexts and flags.
    entries = parse_po(
        "\n".join(
            [
                'msgid ""',
                'msgstr ""',
                '"Language: nl\\n"',
                "",
                "#, fuzzy, python-format",
                'msgctxt "button"',
                'msgid ""',
                '"Send %(count)s \\"item\\"\\n"',
                'msgid_plural "Send %(count)s items"',
                'msgstr[0] "Stuur %(count)s \\"item\\"\\n"',
                'msgstr[1] ""',
                "",
                '#~ msgid "gone"',
                '#~ msgstr "weg"',
                'msgid "Save"',
                'msgstr "Opslaan"',
            ]
        )
    )
    _, plural, save = entries
    assert _header(entries) == {"Language": "nl"}
    assert plural.msgctxt == "button"
    assert plural.msgid == 'Send %(count)s "item"\n'
    assert plural.msgid_plural == "Send %(count)s items"
    assert plural.msgstr == {0: 'Stuur %(count)s "item"\n', 1: ""}
    assert plural.flags == {"fuzzy", "python-format"}
    assert (save.msgid, save.msgstr, save.flags) == ("Save", {0: "Opslaan"}, set())
    assert placeholders("%(a)s of %d, 100%%", {"python-format"}) == Counter(["%(a)s", "%d"])
    assert placeholders("{name} is 10% of {}", {"python-brace-format"}) == Counter(["{name}", "{}"])
    assert not placeholders("10% of {name}", set())


def test_it_is_dutch_with_two_plural_forms(catalogue: list[Entry], tmp_path: Path) -> None:
    header = _header(catalogue)
    assert header.get("Language") == "nl"
    assert header.get("Plural-Forms") == PLURAL_FORMS
    assert "charset=UTF-8" in header.get("Content-Type", "")
    # msgfmt is the reference for the syntax; the compiled file must load.
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with compiled.open("rb") as fh:
        dutch = gettext.GNUTranslations(fh)
    assert dutch.ngettext("%(days)s day left", "%(days)s days left", 1) != dutch.ngettext(
        "%(days)s day left", "%(days)s days left", 2
    )


def test_it_translates_every_message(catalogue: list[Entry]) -> None:
    nplurals = 2
    untranslated = [
        entry.label
        for entry in _messages(catalogue)
        if any(
            not entry.msgstr.get(form)
            for form in (range(nplurals) if entry.msgid_plural is not None else [0])
        )
    ]
    assert not untranslated, (
        f"{len(untranslated)} message(s) without a Dutch translation in {CATALOGUE}:\n"
        + "\n".join(untranslated)
    )


def test_it_has_no_fuzzy_entries(catalogue: list[Entry]) -> None:
    # gettext ignores a fuzzy translation, so the page would show English.
    fuzzy = [entry.label or "the header" for entry in catalogue if "fuzzy" in entry.flags]
    assert not fuzzy, "Fuzzy entries; check the translation and remove the flag:\n" + "\n".join(
        fuzzy
    )


def test_it_keeps_every_placeholder(catalogue: list[Entry]) -> None:
    wrong = []
    for entry in _messages(catalogue):
        for form, translation in sorted(entry.msgstr.items()):
            if not translation:
                continue  # reported by test_it_translates_every_message
            source = entry.msgid if form == 0 or entry.msgid_plural is None else entry.msgid_plural
            expected = placeholders(source, entry.flags)
            found = placeholders(translation, entry.flags)
            if expected != found:
                wrong.append(
                    f"{entry.label} msgstr[{form}]: expected {sorted(expected.elements())}, "
                    f"found {sorted(found.elements())}"
                )
    assert not wrong, "Placeholders differ between message id and translation:\n" + "\n".join(wrong)


def test_it_is_up_to_date_with_the_source(catalogue: list[Entry], tmp_path: Path) -> None:
    # makemessages runs on a copy of the source, so the tree is never written
    # to. With the copy first on the path, its settings put LOCALE_PATHS (and
    # so the generated catalogue) inside tmp_path.
    copy = tmp_path / "src" / "hoeksteen"
    shutil.copytree(
        SOURCE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", "*.mo")
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path / "src"),
        "DJANGO_SETTINGS_MODULE": "hoeksteen.settings",
        "HOEKSTEEN_VAR_DIR": str(tmp_path / "var"),
        "HOEKSTEEN_PRODUCTION": "0",
        "DJANGO_SECRET_KEY": "makemessages-only",
    }
    command = [
        "makemessages",
        "-l",
        "nl",
        "--no-obsolete",
        "--no-location",
    ]  # as `make makemessages`
    result = subprocess.run(
        [sys.executable, "-m", "django", *command],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    generated = copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    assert generated.exists(), "makemessages wrote its catalogue outside the copy"

    in_source = {e.key for e in _messages(parse_po(generated.read_text(encoding="utf-8")))}
    in_catalogue = {e.key for e in _messages(catalogue)}
    missing = sorted(in_source - in_catalogue, key=repr)
    stale = sorted(in_catalogue - in_source, key=repr)
    problems = []
    if missing:
        problems.append(
            f"{len(missing)} message id(s) in the source are not in the Dutch catalogue:\n"
            + "\n".join(f"  {msgid!r}" for _, msgid, _ in missing)
        )
    if stale:
        problems.append(
            f"{len(stale)} message id(s) in the catalogue are no longer in the source:\n"
            + "\n".join(f"  {msgid!r}" for _, msgid, _ in stale)
        )
    assert not problems, (
        "\n".join(problems) + "\nRun `make makemessages` and translate the new entries in "
        f"{CATALOGUE.relative_to(SOURCE.parents[1])}."
    )
