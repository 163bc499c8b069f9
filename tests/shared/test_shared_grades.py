"""Grades, severities and urgency classes (shared/grades.py)."""

from __future__ import annotations

import pytest

from shared.grades import SEVERITY, Grade, Urgency, urgency_asked


@pytest.mark.parametrize(
    ("grade", "meaning_sv", "meaning_en"),
    [
        (Grade.A, "Bra", "Good"),
        (Grade.B, "Godtagbart: mindre slitage", "Satisfactory: minor wear"),
        (
            Grade.C,
            "Dåligt: större brister eller fungerar inte som avsett",
            "Poor: major defects or not working as intended",
        ),
        (
            Grade.D,
            "Mycket dåligt: uttjänt eller risk för akut haveri",
            "Bad: life expired or risk of imminent failure",
        ),
        (Grade.N, "Finns inte: bedöms inte", "Not present: not scored"),
    ],
)
def test_it_explains_each_grade(grade: Grade, meaning_sv: str, meaning_en: str) -> None:
    assert (grade.meaning_sv, grade.meaning_en) == (meaning_sv, meaning_en)


def test_it_uses_the_letters_on_the_wire() -> None:
    assert [grade.value for grade in Grade] == ["A", "B", "C", "D", "N"]
    assert Grade("C") is Grade.C
    assert f"{Grade.D}" == "D"


@pytest.mark.parametrize(
    ("grade", "severity"), [(Grade.A, 0), (Grade.B, 33), (Grade.C, 67), (Grade.D, 100)]
)
def test_it_scores_each_grade(grade: Grade, severity: int) -> None:
    assert SEVERITY[grade] == severity


def test_it_does_not_score_absent_elements() -> None:
    assert Grade.N not in SEVERITY
    assert len(SEVERITY) == 4


def test_it_keeps_the_severity_table_read_only() -> None:
    with pytest.raises(TypeError):
        SEVERITY[Grade.A] = 10  # type: ignore[index]


@pytest.mark.parametrize(
    ("value", "urgency", "meaning_sv", "meaning_en"),
    [
        (1, Urgency.SAFETY, "Säkerhet: åtgärda omedelbart", "Safety: act now"),
        (2, Urgency.WITHIN_1_YEAR, "Inom ett år", "Within a year"),
        (3, Urgency.WITHIN_3_YEARS, "Inom 1–3 år", "Within 1–3 years"),
        (4, Urgency.WITHIN_5_YEARS, "Inom 5 år", "Within 5 years"),
    ],
)
def test_it_explains_each_urgency(
    value: int, urgency: Urgency, meaning_sv: str, meaning_en: str
) -> None:
    assert Urgency(value) is urgency
    assert (urgency.meaning_sv, urgency.meaning_en) == (meaning_sv, meaning_en)


def test_it_has_exactly_four_urgencies_most_urgent_first() -> None:
    assert [int(urgency) for urgency in Urgency] == [1, 2, 3, 4]
    assert Urgency.SAFETY < Urgency.WITHIN_5_YEARS


@pytest.mark.parametrize(
    ("grade", "asked"),
    [(Grade.A, False), (Grade.B, False), (Grade.C, True), (Grade.D, True), (Grade.N, False)],
)
def test_it_asks_for_urgency_only_for_poor_and_bad(grade: Grade, asked: bool) -> None:
    assert urgency_asked(grade) is asked
