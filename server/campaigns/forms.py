"""The planner's form for opening a campaign."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from server.campaigns.models import Campaign, local_today
from server.campaigns.services import MAX_RESPONDENT_CODES
from server.schools.models import SchoolUnit


class CampaignForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=SchoolUnit.objects.order_by("name"),
        to_field_name="code",
        label="Skolenhet",
    )
    respondent_group = forms.ChoiceField(choices=Campaign.Group.choices, label="Svarsgrupp")
    years = forms.CharField(
        required=False, max_length=16, label="Årskurser (elever)", help_text="T.ex. 4–9"
    )
    opens_on = forms.DateField(
        label="Öppnar", widget=forms.DateInput(attrs={"type": "date"}), initial=local_today
    )
    closes_on = forms.DateField(
        label="Stänger",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=lambda: local_today() + timedelta(days=21),
    )
    respondent_codes = forms.IntegerField(
        min_value=0,
        max_value=MAX_RESPONDENT_CODES,
        initial=0,
        label="Engångskoder att skriva ut",
        help_text="0 = ingen kod behövs. Koder hindrar att någon svarar flera gånger.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on", "Slutdatum måste vara samma dag som eller efter startdatum."
            )
        return data
