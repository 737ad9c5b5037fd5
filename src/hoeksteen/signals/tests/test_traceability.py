"""The traceability check: what makes a case recognisable is found and named."""

from __future__ import annotations

import datetime as dt

import pytest

from hoeksteen.signals.traceability import (
    TraceWarning,
    WarningKind,
    fingerprint,
    traceability_warnings,
)

TODAY = dt.date(2025, 6, 18)  # a Wednesday


def warnings(text: str, **kwargs: object) -> list[tuple[str, str]]:
    arguments: dict[str, object] = {
        "names": ["Anouk", "de Vries", "van der Meer", "Loon"],
        "melder_references": ["J.K.", "melder B"],
        "small_departments": ["Financiën"],
        "today": TODAY,
    } | kwargs
    return [(w.kind.value, w.fragment) for w in traceability_warnings(text, **arguments)]  # type: ignore[arg-type]


def test_it_finds_nothing_in_a_signal_about_a_pattern() -> None:
    text = (
        "Dit jaar kwamen meer meldingen over werkdruk binnen dan vorig jaar, vooral in de "
        "tweede helft. Het loon was zelden het onderwerp. Aanbeveling: aandacht voor "
        "roosterplanning in grote afdelingen."
    )
    assert warnings(text) == []


def test_it_warns_about_names_written_as_names() -> None:
    text = "Een gesprek met Anouk en mevrouw De Vries; later sprak Meer ook met Van der Meer."
    assert warnings(text) == [
        ("name", "Anouk"),
        ("name", "De Vries"),
        ("name", "Meer"),
        ("name", "Van der Meer"),
    ]
    # Common words that are also (part of) a name are left alone in lower case.
    assert warnings("meer meldingen over loon en anouk") == []


def test_it_warns_about_the_authors_melder_references() -> None:
    assert warnings("Zoals J.K. al zei, en ook JK en melder B.") == [
        ("reference", "J.K."),
        ("reference", "JK"),
        ("reference", "melder B"),
    ]


def test_it_warns_about_small_departments_only() -> None:
    assert warnings("Bij financiën en bij Logistiek speelde dit.") == [("department", "financiën")]


@pytest.mark.parametrize(
    "text",
    [
        "Gisteren kwam er een melding binnen.",
        "Vorige week was er een incident.",
        "Dat gebeurde afgelopen maandag op de afdeling.",
        "Op dinsdag jl. was het weer raak.",
        "Yesterday someone came to see me.",
        "Het gesprek op 2 juni ging hierover.",
        "Het gesprek op 2025-06-10 ging hierover.",
        "Het gesprek op 10-6-2025 ging hierover.",
        "Het gesprek op 10/6 ging hierover.",
        "The meeting on June 1 was about this.",
    ],
)
def test_it_warns_about_recent_single_events(text: str) -> None:
    found = warnings(text)
    assert len(found) == 1
    assert found[0][0] == "recent"


@pytest.mark.parametrize(
    "text",
    [
        "Het gesprek op 2 maart ging hierover.",  # more than 30 days ago
        "Het gesprek op 2024-06-10 ging hierover.",
        "Op 30-2 kan niets gebeuren.",
        "In 2025 namen de meldingen toe.",
        "Een op de 3 meldingen ging over werkdruk.",
    ],
)
def test_it_leaves_older_dates_and_numbers_alone(text: str) -> None:
    assert warnings(text) == []


def test_it_fingerprints_exactly_the_warnings_shown() -> None:
    one = [TraceWarning(WarningKind.NAME, "Anouk")]
    two = [*one, TraceWarning(WarningKind.RECENT, "gisteren")]
    assert fingerprint(one) == fingerprint([TraceWarning(WarningKind.NAME, "anouk")])
    assert fingerprint(one) != fingerprint(two)
    assert fingerprint(two) == fingerprint(list(reversed(two)))
