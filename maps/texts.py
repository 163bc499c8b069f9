"""The words on the maps, in Swedish (the default) and English.

The maps package knows no Django, so the caller passes the language (`lang`) and the
texts come from here rather than from Django's translation catalogues.
"""

from __future__ import annotations

from typing import Final

SV: Final[dict[str, str]] = {
    "priority_layer": "Prioritet",
    "act_now_layer": "Åtgärda nu",
    "heat_layer": "D-brister (värmekarta)",
    "district_layer": "Områden: elevviktat behov",
    "city_area_layer": "Stadsområden: elevviktat behov",
    "funded_layer": "Finansieras år {year}",
    "condition": "Skick",
    "experience": "Upplevelse",
    "equity": "Likvärdighet",
    "caption": "Behov 0–100 (högre = större behov)",
    "synthetic": "<b>Syntetiska data</b>: demo, inga verkliga mätvärden",
    "key": "Cirkelns yta: antal elever. "
    '<span style="color:{act}">Röd kant och nål</span>: åtgärda nu. '
    '<span style="color:{funded}">Blå ring</span>: finansieras i planen.',
    "key_scale": " Runda kluster har färgen av det största behovet i dem; röda rutor med !"
    " räknar skolor att åtgärda nu.",
    "left_out": " {n} skolor saknar koordinater och visas inte.",
    "district": "Område",
    "need": "Elevviktat behov",
    "schools": "Skolor",
    "pupils": "Elever",
    "no_schools": "inga skolor",
    "search": "Sök skola",
    "fullscreen": "Helskärm",
    "fullscreen_cancel": "Lämna helskärm",
    "act_now_tip": "åtgärda nu",
    "missing": "saknas",
    "of_100": "av 100",
    "act_now": "Åtgärda nu",
    "act_now_long": "Åtgärda nu: brådskande säkerhetsbrist",
    "open_site": "Öppna skolsidan",
    "loading": "Hämtar…",
    "failed": "Kunde inte hämta uppgifterna.",
    "rank": "Rang",
    "of": "av",
    "interval": "90 %-intervall",
    "p_top": "Sannolikhet topp N",
    "worst": "Värsta brister:",
    "survey_share": "Enkät: {p} % har svarat",
    "survey_yes": "Enkät: finns",
    "survey_no": "Enkät: saknas",
}

EN: Final[dict[str, str]] = {
    "priority_layer": "Priority",
    "act_now_layer": "Act now",
    "heat_layer": "D defects (heat map)",
    "district_layer": "Districts: pupil-weighted need",
    "city_area_layer": "City areas: pupil-weighted need",
    "funded_layer": "Funded in {year}",
    "condition": "Condition",
    "experience": "Experience",
    "equity": "Equity",
    "caption": "Need 0–100 (higher = more need)",
    "synthetic": "<b>Synthetic data</b>: demo, no real measurements",
    "key": "Circle area: pupils. "
    '<span style="color:{act}">Red edge and pin</span>: act now. '
    '<span style="color:{funded}">Blue ring</span>: funded in the plan.',
    "key_scale": " Round clusters take the colour of the greatest need in them; red squares"
    " with ! count schools to act on now.",
    "left_out": " {n} schools have no coordinates and are not shown.",
    "district": "District",
    "need": "Pupil-weighted need",
    "schools": "Schools",
    "pupils": "Pupils",
    "no_schools": "no schools",
    "search": "Find a school",
    "fullscreen": "Full screen",
    "fullscreen_cancel": "Leave full screen",
    "act_now_tip": "act now",
    "missing": "missing",
    "of_100": "of 100",
    "act_now": "Act now",
    "act_now_long": "Act now: urgent safety defect",
    "open_site": "Open the school page",
    "loading": "Loading…",
    "failed": "Could not fetch the details.",
    "rank": "Rank",
    "of": "of",
    "interval": "90 % interval",
    "p_top": "Probability of top N",
    "worst": "Worst defects:",
    "survey_share": "Survey: {p} % answered",
    "survey_yes": "Survey: yes",
    "survey_no": "Survey: none",
}

LANGUAGES: Final = {"sv": SV, "en": EN}


def texts(lang: str = "sv") -> dict[str, str]:
    """The map's words in `lang` ("sv" or "en"; anything else gets Swedish)."""
    return LANGUAGES.get(lang[:2].lower(), SV)
