"""Why a plan funds an item, or cannot, in plain words in the active language.

The planning core gives each chosen and unfunded row a `reason_code` and its numbers
(`reason_data`, keys in `plan_settings.CHOSEN_REASON_KEYS`); this turns
them into a sentence for the pages and the exports: Swedish source strings, English from
the .po file, numbers formatted for the language, elements by their catalogue name. A row
saved before the codes existed keeps the English `reason` it was saved with."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from server.core.exports import shown
from server.inspections.catalogues import element_name
from shared.grades import Grade

Row = Mapping[str, Any]


def reason_text(row: Row) -> str:
    """The row's reason as a sentence; the stored `reason` when it has no (known) code."""
    render = _RENDER.get(str(row.get("reason_code") or ""))
    if render is None:
        return str(row.get("reason") or "")
    data = row.get("reason_data") or {}
    return render(row, data)


def with_reason_text(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """The rows with `reason` replaced by its sentence in the active language (exports)."""
    return [{**row, "reason": reason_text(row)} for row in rows]


def _english() -> bool:
    return (get_language() or "sv").startswith("en")


def _whole(value: object) -> str:
    # Rounded half up, as the pages and the exports round (`exports.shown`).
    return number_format(shown(value, "whole"), 0, force_grouping=True)


def _percent(share: float) -> str:
    return pgettext("a percentage", "%(n)s %%") % {"n": _whole(100 * share)}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _grade_words(grade: object) -> str | None:
    """ "i mycket dåligt skick (D)": the grade's meaning as the inspectors read it
    (`shared.grades`, before its colon), with the letter."""
    try:
        found = Grade(str(grade))
    except ValueError:
        return None
    if found is Grade.N:
        return None
    meaning = (found.meaning_en if _english() else found.meaning_sv).split(":")[0]
    return _("i %(meaning)s skick (%(grade)s)") % {
        "meaning": meaning.lower(),
        "grade": found.value,
    }


_NEED = {
    "high": lambda: _("stort socioekonomiskt behov"),
    "medium": lambda: _("medelstort socioekonomiskt behov"),
    "low": lambda: _("litet socioekonomiskt behov"),
}


def _school(data: Row) -> str:
    """ "på en skola med 640 elever och stort socioekonomiskt behov", or as much of it as
    is known."""
    pupils = data.get("pupils")
    need_word = _NEED.get(str(data.get("need")))
    need = need_word() if need_word else None
    if isinstance(pupils, int | float) and pupils > 0:
        n = round(pupils)
        values = {"pupils": _whole(n), "need": need}
        if need:
            return (
                ngettext(
                    "på en skola med %(pupils)s elev och %(need)s",
                    "på en skola med %(pupils)s elever och %(need)s",
                    n,
                )
                % values
            )
        return (
            ngettext("på en skola med %(pupils)s elev", "på en skola med %(pupils)s elever", n)
            % values
        )
    if need:
        return _("på en skola med %(need)s") % {"need": need}
    return ""


def _subject(row: Row, data: Row) -> str:
    """ "Tak i mycket dåligt skick (D) på en skola med 640 elever …"."""
    code = data.get("element") or row.get("element")
    parts = [
        element_name(str(code)) if code else _("Åtgärden"),
        _grade_words(data.get("grade") or row.get("grade")),
        _school(data),
    ]
    return " ".join(part for part in parts if part)


def _elements_list(codes: Sequence[object]) -> str:
    """ "fasad, tak samt fönster och dörrar": names in running text, the last joined
    with "samt" as names may hold an "och" of their own."""
    names = [
        pgettext("an element named in running text", "%(name)s")
        % {"name": _lower_first(element_name(str(code)))}
        for code in codes
    ]
    if len(names) < 2:
        return "".join(names)
    return _("%(rest)s samt %(last)s") % {"rest": ", ".join(names[:-1]), "last": names[-1]}


def _done(data: Row, row: Row) -> str:
    """ "görs 2027 tillsammans med fasad"."""
    text = _("görs %(year)s") % {"year": data.get("year") or row.get("year")}
    return text + _together(data)


def _together(data: Row) -> str:
    others = [code for code in data.get("with_elements") or () if code]
    if not others:
        return ""
    return " " + _("tillsammans med %(elements)s") % {"elements": _elements_list(others)}


def _worsened(data: Row) -> str:
    p_d = data.get("p_grade_d")
    if not data.get("worsened") or not isinstance(p_d, int | float):
        return ""
    return "; " + _("kostnaden räknar med %(risk)s risk att skicket hunnit bli D") % {
        "risk": _percent(float(p_d))
    }


def _chosen(row: Row, data: Row) -> str:
    text = f"{_subject(row, data)}; {_done(data, row)}"
    pupil_years = data.get("pupil_years")
    if isinstance(pupil_years, int | float) and pupil_years > 0:
        text += "; " + _("ger %(pupil_years)s viktade elevår") % {
            "pupil_years": _whole(pupil_years)
        }
    return text + _worsened(data) + "."


def _free(row: Row, data: Row) -> str:
    return (
        f"{_('Kostar inget vid förväntat skick')}: {_lower_first(_subject(row, data))}; "
        f"{_done(data, row)}{_worsened(data)}."
    )


def _pinned(row: Row, data: Row) -> str:
    placed = _("Lagd till %(year)s av planeraren") % {"year": data.get("year") or row.get("year")}
    together = _together(data).strip()
    return (
        f"{placed}: {_lower_first(_subject(row, data))}"
        f"{'; ' + together if together else ''}{_worsened(data)}."
    )


def _safety(row: Row, data: Row) -> str:
    return (
        f"{_('Säkerhetsbrist (brådska 1)')}: {_lower_first(_subject(row, data))}; "
        f"{_done(data, row)}{_worsened(data)}."
    )


def _safety_late(row: Row, data: Row) -> str:
    late = _(", flyttad från %(first)s eftersom budgeten inte räckte") % {
        "first": data.get("first_year")
    }
    return (
        f"{_('Säkerhetsbrist (brådska 1)')}: {_lower_first(_subject(row, data))}; "
        f"{_done(data, row)}{late}{_worsened(data)}."
    )


def _over_budget(row: Row, data: Row) -> str:
    if data.get("mobilisation"):
        text = _(
            "Kostar %(cost)s kr med skolans etableringskostnad (%(setup)s kr), mer än en hel "
            "årsbudget (%(budget)s kr): kräver ett eget beslut."
        )
        return text % {
            "cost": _whole(data.get("cost") or 0),
            "setup": _whole(data.get("mobilisation") or 0),
            "budget": _whole(data.get("budget") or 0),
        }
    text = _("Kostar %(cost)s kr, mer än en hel årsbudget (%(budget)s kr): kräver ett eget beslut.")
    return text % {
        "cost": _whole(data.get("cost") or row.get("cost") or 0),
        "budget": _whole(data.get("budget") or 0),
    }


def _no_room(row: Row, data: Row) -> str:
    year = data.get("year") or row.get("year")
    if data.get("last_year"):
        return _("Ryms inte i budgeten för %(year)s, planens sista år.") % {"year": year}
    return _("Ryms inte i budgeten för %(year)s; först i kön nästa år.") % {"year": year}


_RENDER: dict[str, Callable[[Row, Row], str]] = {
    "safety": _safety,
    "safety_late": _safety_late,
    "pinned": _pinned,
    "free": _free,
    "chosen": _chosen,
    "over_budget": _over_budget,
    "no_room": _no_room,
}
REASON_CODES = tuple(_RENDER)
"""Every reason code this module puts in words (chosen and unfunded rows)."""
