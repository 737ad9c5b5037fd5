"""The traceability check of a qualitative signal: a pure function.

Seed, "Casus": a VP discussed a melding with HR "in general terms, without
names", and HR still recognised the case. So before a VP releases a signal,
its text is read for what makes a case recognisable, and every find is a
warning the VP must confirm:

* a name of someone in the organisation (first or last name, written as
  names are written: with a capital, so "van Loon" warns and "loon" does not);
* a reference the VP uses for a melder in their own log ("J.K.", "melder B");
* the name of a department with fewer than k meldingen that year;
* a recent single event: "gisteren", "vorige week", "afgelopen maandag",
  or an explicit date within the last 30 days.

It warns; it does not decide. A name can be a common word, and a text
without warnings can still be recognisable — the VP's judgement stays.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

RECENT_DAYS = 30

_INFIXES = {"van", "de", "der", "den", "het", "'t", "ter", "ten", "te", "op", "in", "la", "le"}

_WEEKDAYS = (
    "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|weekend|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_RECENT_WORDS = re.compile(
    r"(?<!\w)("
    r"vandaag|gisteren|eergisteren|gisteravond|gisterochtend|gistermiddag|"
    r"vanochtend|vanmorgen|vanmiddag|vanavond|vannacht|onlangs|kortgeleden|kort geleden|"
    r"(?:vorige|afgelopen|deze) (?:week|maand)|"
    rf"(?:afgelopen|vorige|jongstleden|laatste) (?:{_WEEKDAYS})|"
    rf"(?:{_WEEKDAYS}) (?:jl\.?|j\.l\.|jongstleden)|"
    r"today|yesterday|this morning|this afternoon|last night|recently|"
    r"(?:last|this) (?:week|month)|"
    rf"last (?:{_WEEKDAYS})"
    r")(?!\w)",
    re.IGNORECASE,
)

_MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "february": 2,
    "maart": 3, "mrt": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "augustus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = (
    # 2025-03-14
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    # 14-3-2025, 14/3/25, 14.3.2025, and 14-3 or 14/3 without a year
    re.compile(r"(?<![\d.,/-])(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})(?:[-/.](?P<y>\d{2,4}))?(?!\d)"),
    # 14 maart (2025), 14 March
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}}) (?P<mn>{_MONTH})\.?(?: (?P<y>\d{{4}}))?(?!\w)", re.I),
    # March 14(, 2025)
    re.compile(rf"(?<!\w)(?P<mn>{_MONTH}) (?P<d>\d{{1,2}})(?:,? (?P<y>\d{{4}}))?(?!\d)", re.I),
)


class WarningKind(enum.StrEnum):
    NAME = "name"
    REFERENCE = "reference"
    DEPARTMENT = "department"
    RECENT = "recent"


@dataclasses.dataclass(frozen=True)
class TraceWarning:
    kind: WarningKind
    fragment: str  # the words in the text that gave rise to it

    def message(self, *, k: int) -> str:
        values = {"fragment": self.fragment, "k": k}
        if self.kind is WarningKind.NAME:
            return _("“%(fragment)s” is the name of someone in your organisation.") % values
        if self.kind is WarningKind.REFERENCE:
            return _("“%(fragment)s” is how you refer to a melder in your own log.") % values
        if self.kind is WarningKind.DEPARTMENT:
            return (
                _("“%(fragment)s” is a department with fewer than %(k)s meldingen this year.")
                % values
            )
        return _("“%(fragment)s” points to a recent, single event that people may recognise.") % (
            values
        )


def traceability_warnings(
    text: str,
    *,
    names: Iterable[str],
    melder_references: Iterable[str],
    small_departments: Iterable[str],
    today: dt.date,
) -> list[TraceWarning]:
    """Everything in `text` that could make a case recognisable, in the order found."""
    found: list[tuple[int, TraceWarning]] = []
    found += _names(text, names)
    found += _phrases(text, _reference_variants(melder_references), WarningKind.REFERENCE, 0)
    found += _phrases(text, small_departments, WarningKind.DEPARTMENT, re.IGNORECASE)
    found += [
        (m.start(), TraceWarning(WarningKind.RECENT, m.group()))
        for m in _RECENT_WORDS.finditer(text)
    ]
    found += _recent_dates(text, today)
    # Longest first, so "de Vries" covers the "Vries" inside it.
    found.sort(key=lambda item: (item[0], -len(item[1].fragment)))
    covered: list[tuple[int, int]] = []
    unique: dict[tuple[WarningKind, str], TraceWarning] = {}
    for start, warning in found:
        end = start + len(warning.fragment)
        if any(s <= start and end <= e for s, e in covered):
            continue
        covered.append((start, end))
        unique.setdefault((warning.kind, warning.fragment.casefold()), warning)
    return list(unique.values())


def fingerprint(warnings: Iterable[TraceWarning]) -> str:
    """Identifies a set of warnings, so a confirmation covers exactly what was shown."""
    canonical = sorted(f"{w.kind}:{w.fragment.casefold()}" for w in warnings)
    return hashlib.sha256("\n".join(canonical).encode()).hexdigest()[:32]


def _pattern(phrase: str) -> str:
    return r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)"


def _phrases(
    text: str, phrases: Iterable[str], kind: WarningKind, flags: int
) -> Iterator[tuple[int, TraceWarning]]:
    for phrase in {p.strip() for p in phrases if len(p.strip()) >= 2}:
        for match in re.finditer(_pattern(phrase), text, flags):
            yield match.start(), TraceWarning(kind, match.group())


def _names(text: str, names: Iterable[str]) -> Iterator[tuple[int, TraceWarning]]:
    """Names and, for "van der Meer", also "Meer" — where the text writes them with a capital."""
    variants: set[str] = set()
    for name in names:
        words = name.split()
        variants.add(" ".join(words))
        core = [w for w in words if w.casefold() not in _INFIXES]
        if core and len(core) < len(words):
            variants.add(" ".join(core))
    for phrase in {v for v in variants if len(v) >= 2}:
        for match in re.finditer(_pattern(phrase), text, re.IGNORECASE):
            last_word = match.group().split()[-1]
            if last_word[:1].isupper():
                yield match.start(), TraceWarning(WarningKind.NAME, match.group())


def _reference_variants(references: Iterable[str]) -> set[str]:
    """ "J.K." also as "JK" and "J.K": references are written down loosely."""
    variants: set[str] = set()
    for reference in references:
        reference = reference.strip()
        variants.add(reference)
        variants.add(reference.rstrip("."))
        bare = re.sub(r"[.\s]", "", reference)
        if len(bare) >= 2:
            variants.add(bare)
    return variants


def _recent_dates(text: str, today: dt.date) -> Iterator[tuple[int, TraceWarning]]:
    for pattern in _DATES:
        for match in pattern.finditer(text):
            day = _as_date(match.groupdict(), today)
            if day is not None and 0 <= (today - day).days <= RECENT_DAYS:
                yield match.start(), TraceWarning(WarningKind.RECENT, match.group())


def _as_date(parts: dict[str, str | None], today: dt.date) -> dt.date | None:
    """The date a match names; without a year, its last occurrence up to today."""
    month_name = parts.get("mn")
    month = _MONTHS[month_name.casefold()] if month_name else int(parts["m"] or 0)
    day = int(parts["d"] or 0)
    year_text = parts.get("y")
    try:
        if year_text:
            year = int(year_text)
            return dt.date(year + 2000 if year < 100 else year, month, day)
        candidate = dt.date(today.year, month, day)
        return candidate if candidate <= today else dt.date(today.year - 1, month, day)
    except ValueError:  # not a date at all: 31-2, 3/14 as a ratio
        return None
