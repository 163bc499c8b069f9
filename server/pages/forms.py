"""The planner pages' forms: weights, method and filters, and the plan's budget."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.planning.bounds import (
    ALPHA,
    BUDGET,
    EQUITY_FLOOR,
    MOBILISATION,
    START_YEAR,
    WEIGHT,
    YEARS,
)
from server.planning.ranking import Weights
from server.planning.selectors import RankingQuery
from server.planning.services import weights_from
from server.schools.models import District, SchoolUnit
from shared.errors import AppError


def _district_choices() -> list[tuple[str, str]]:
    rows = District.objects.order_by("kind", "name").values_list("code", "name", "kind")
    areas = [(code, name) for code, name, kind in rows if kind == "city_area"]
    districts = [(code, name) for code, name, kind in rows if kind == "district"]
    return [
        ("", _("Alla")),
        (str(_("Stadsområden")), areas),  # type: ignore[list-item]
        (str(_("Områden")), districts),  # type: ignore[list-item]
    ]


class RankingForm(forms.Form):
    """Weights of the three pillars, the method and the filters; all optional in a GET."""

    # Limits from the API's bounds: what the page accepts, the API accepts (and back).
    # Django's FloatField refuses inf and nan itself.
    condition = forms.FloatField(
        label=_("Skick"), min_value=WEIGHT.low, max_value=WEIGHT.high, initial=0.5
    )
    experience = forms.FloatField(
        label=_("Upplevelse"), min_value=WEIGHT.low, max_value=WEIGHT.high, initial=0.25
    )
    equity = forms.FloatField(
        label=_("Likvärdighet"), min_value=WEIGHT.low, max_value=WEIGHT.high, initial=0.25
    )
    method = forms.ChoiceField(
        label=_("Metod"),
        choices=[("weighted_sum", _("Viktad summa")), ("topsis", "TOPSIS")],
        initial="weighted_sum",
    )
    district = forms.ChoiceField(label=_("Område"), required=False)
    school_form = forms.ChoiceField(
        label=_("Skolform"),
        required=False,
        choices=[("", _("Alla")), *SchoolUnit.SchoolForm.choices],
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # Unset fields take their initial values, so /ranking/ and /ranking/?equity=1 work.
        if data is not None:
            merged = {name: field.initial for name, field in self.base_fields.items()}
            merged.update({k: v for k, v in data.items() if v != "" or k in ("district",)})
            data = merged
        super().__init__(data, **kwargs)
        self.fields["district"].choices = _district_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                cleaned["weights"] = weights_from(
                    condition=cleaned["condition"],
                    experience=cleaned["experience"],
                    equity=cleaned["equity"],
                )
            except AppError as exc:
                raise forms.ValidationError(
                    _("Vikterna går inte att använda: minst en måste vara större än noll.")
                ) from exc
        return cleaned

    def weights(self) -> Weights:
        return self.cleaned_data["weights"]  # type: ignore[no-any-return]

    def query(self) -> RankingQuery:
        """The ranking this valid form asks for (the API's query for the same values)."""
        data = self.cleaned_data
        return RankingQuery(
            weights=self.weights(),
            method=data["method"],
            district=data["district"] or None,
            school_form=data["school_form"] or None,
        )


class PlanForm(RankingForm):
    """The ranking's weights and filters plus the budget, years and equity alpha."""

    budget = forms.FloatField(
        label=_("Budget per år (kr)"),
        min_value=BUDGET.low,
        max_value=BUDGET.high,
        initial=20_000_000,
    )
    years = forms.IntegerField(
        label=_("Antal år"), min_value=YEARS.low, max_value=YEARS.high, initial=5
    )
    alpha = forms.FloatField(
        label=_("Likvärdighet alfa"), min_value=ALPHA.low, max_value=ALPHA.high, initial=1.0
    )
    start_year = forms.IntegerField(
        label=_("Första år"), min_value=START_YEAR.low, max_value=START_YEAR.high
    )
    price_year = forms.IntegerField(
        label=_("Prisår"),
        min_value=1990,
        max_value=2100,
        required=False,
        help_text=_("Tomt: kommunens prisår."),
    )

    # The plan's own rules, named as the API's plan parameters; empty: the plan's defaults.
    method = forms.ChoiceField(
        label=_("Planeringsmetod"),
        required=False,
        choices=[
            ("", _("Standard (exakt över alla år)")),
            ("joint", _("Exakt över alla år")),
            ("yearly", _("Exakt år för år")),
            ("greedy", _("Girig, år för år")),
        ],
        help_text=_(
            "Över alla år räknas det in att en tidig åtgärd ger nytta fler år och att arbeten "
            "på samma skola samlas i ett projekt; år för år är en snabbare jämförelse."
        ),
    )
    floor = forms.FloatField(
        label=_("Golv för största behov (%)"),
        required=False,
        min_value=EQUITY_FLOOR.low,
        max_value=EQUITY_FLOOR.high,
        help_text=_(
            "Minst så stor andel av hela planens utgifter, säkerhetsåtgärderna inräknade, går "
            "till den fjärdedel av eleverna som har störst behov. Tomt: inget golv."
        ),
    )
    mobilisation = forms.FloatField(
        label=_("Etableringskostnad (kr)"),
        required=False,
        min_value=MOBILISATION.low,
        max_value=MOBILISATION.high,
        help_text=_(
            "Vad det kostar att starta ett bygge på en skola ett år (bodar, projektledning); "
            "den samlar arbetet på en skola till ett projekt. Tomt: planens standardvärde."
        ),
    )
    carry_over = forms.BooleanField(
        label=_("Flytta oanvänd budget till nästa år"),
        required=False,
        help_text=_("Pengar som inte används ett år får användas året efter."),
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        self.base_fields["start_year"].initial = timezone.localdate().year + 1
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        yearly = cleaned.get("method") in ("yearly", "greedy")
        if cleaned.get("mobilisation") is not None and yearly:
            self.add_error(
                "mobilisation",
                _(
                    "Etableringskostnaden räknas bara med metoden exakt över alla år: välj "
                    "den metoden eller töm fältet."
                ),
            )
        if cleaned.get("floor") is not None and yearly:
            self.add_error(
                "floor",
                _(
                    "Golvet för största behov går bara att hålla med metoden exakt över alla "
                    "år: välj den metoden eller töm golvet."
                ),
            )
        return cleaned


class SavePlanForm(forms.Form):
    name = forms.CharField(label=_("Namn på planen"), max_length=120)
