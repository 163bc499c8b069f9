from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.demo.reference import (
    ReferenceDataError,
    parse_years,
    read_sites,
    slug,
)

DATA = Path(__file__).resolve().parents[3] / "data" / "goteborg"


@pytest.mark.parametrize(
    ("text", "years"),
    [("F–6", (0, 6)), ("F–9", (0, 9)), ("4–9", (4, 9)), ("7-9", (7, 9)), ("1–6", (1, 6))],
)
def test_it_parses_school_years(text: str, years: tuple[int, int]) -> None:
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["", "F", "9–4", "år 1-3", "F–"])
def test_it_rejects_malformed_school_years(text: str) -> None:
    with pytest.raises(ReferenceDataError):
        parse_years(text)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kålltorp-Torpa-Björkekärr", "kalltorp-torpa-bjorkekarr"),
        ("Östra Angered", "ostra-angered"),
        ("EfUS Utby", "efus-utby"),
    ],
)
def test_it_makes_readable_ascii_slugs(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_it_groups_172_units_onto_138_sites() -> None:
    sites = read_sites(DATA)

    assert len(sites) == 138
    assert sum(len(s.units) for s in sites) == 172
    torslanda = next(s for s in sites if s.code == "torslandaskolan")
    assert len(torslanda.units) > 2
    assert torslanda.pupils == sum(u.pupils for u in torslanda.units)


def test_it_names_the_record_that_breaks_the_school_file(tmp_path: Path) -> None:
    rows = json.loads((DATA / "schools.json").read_text(encoding="utf-8"))[:3]
    rows[1]["arskurser"] = "sex till nio"
    (tmp_path / "schools.json").write_text(json.dumps(rows), encoding="utf-8")

    with pytest.raises(ReferenceDataError, match=rf"record 1 \({rows[1]['slug']}\)"):
        read_sites(tmp_path)
