from __future__ import annotations

import pytest

from server.schools.importing import values as v


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("F–6", (0, 6)),
        ("F-6", (0, 6)),
        ("7-9", (7, 9)),
        ("1,2,3", (1, 3)),
        ("F", (0, 0)),
        ("åk 4–6", (4, 6)),
        ("F-3, 4-6", (0, 6)),
        ("f-9", (0, 9)),
    ],
)
def test_it_parses_school_years(text: str, expected: tuple[int, int]) -> None:
    assert v.years(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("F–sex", "are not written like"),
        ("9-7", "run backwards"),
        ("1-12", "beyond year 9"),
        ("", "are not written like"),
    ],
)
def test_it_refuses_school_years_it_cannot_read(text: str, reason: str) -> None:
    with pytest.raises(v.BadValue, match=reason):
        v.years(text)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("Grundskola", "grundskola"),
        ("Anpassad grundskola", "anpassad_grundskola"),
        ("anpassad_grundskola", "anpassad_grundskola"),
        ("Grundsärskola", "anpassad_grundskola"),
        ("Gymnasieskola", None),
    ],
)
def test_it_reads_school_forms(text: str, form: str | None) -> None:
    assert v.school_form(text) == form


def test_it_takes_wgs84_degrees_with_a_decimal_comma() -> None:
    assert v.position("59,3512", "15,1488", "", "") == (59.3512, 15.1488)


@pytest.mark.parametrize(("x", "y"), [("6568474", "514542"), ("514542", "6568474")])
def test_it_converts_sweref_99_tm_given_in_either_order(x: str, y: str) -> None:
    lat, lon = v.position("", "", x, y)  # type: ignore[misc]
    assert lat == pytest.approx(59.255, abs=1e-4)
    assert lon == pytest.approx(15.255, abs=1e-4)


def test_it_converts_sweref_metres_written_in_the_degree_columns() -> None:
    lat, lon = v.position("6568474", "514542", "", "")  # type: ignore[misc]
    assert (round(lat, 3), round(lon, 3)) == (59.255, 15.255)


@pytest.mark.parametrize(
    ("lat", "lon", "x", "y", "reason"),
    [
        ("59.3", "", "", "", "both lat and lon"),
        ("", "", "6568474", "", "both x and y"),
        ("0", "0", "", "", "placeholder"),
        ("95", "15", "", "", "not latitude"),
        ("", "", "123", "456", "not SWEREF 99 TM"),
        ("", "", "99999999", "514542", "not SWEREF 99 TM"),
        ("norr", "15", "", "", "not a number"),
    ],
)
def test_it_refuses_half_or_nonsense_positions(
    lat: str, lon: str, x: str, y: str, reason: str
) -> None:
    with pytest.raises(v.BadValue, match=reason):
        v.position(lat, lon, x, y)


def test_it_gives_no_position_when_the_row_has_none() -> None:
    assert v.position("", "", "", "") is None
