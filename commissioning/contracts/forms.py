"""Page forms. They check shape (dates, choices); the services check the rules."""
from decimal import Decimal

from django import forms

from .models import (
    AssessmentRating,
    ContractStatus,
    Direction,
    Frequency,
    ProcurementRoute,
    ProviderType,
    VisitRating,
)

DATE_ERRORS = {"invalid": "Enter a real date, like 2026-04-01"}
MONEY_ERRORS = {"invalid": "Enter an amount in pounds, like 250000 or 250000.00",
                "min_value": "The amount cannot be negative",
                "max_digits": "The amount is too large",
                "max_decimal_places": "Enter pounds and pence with at most two decimal places"}


def _money(label, **kwargs):
    return forms.DecimalField(label=label, min_value=Decimal("0"), max_digits=14,
                              decimal_places=2, error_messages={
                                  **MONEY_ERRORS, "required": f"Enter the {label.lower()}"},
                              **kwargs)


class ProviderForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the provider's name"})
    type = forms.ChoiceField(label="Type of provider", choices=ProviderType.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select the type of provider"})
    companies_house_number = forms.CharField(max_length=8, required=False,
                                             label="Companies House number")
    charity_number = forms.CharField(max_length=12, required=False, label="Charity number")
    ods_code = forms.CharField(max_length=6, required=False, label="NHS ODS code")
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    postcode = forms.CharField(max_length=10, required=False)
    website = forms.URLField(required=False, assume_scheme="https")


class ContractForm(forms.Form):
    reference = forms.CharField(max_length=40, help_text="Your reference, e.g. WCC-SB-2024",
                                error_messages={"required": "Enter the contract reference"})
    title = forms.CharField(max_length=250, error_messages={"required": "Enter a title"})
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    provider = forms.ModelChoiceField(queryset=None, empty_label="Choose a provider",
                                      error_messages={"required": "Select a provider"})
    lead_agency = forms.ModelChoiceField(queryset=None, empty_label="Choose the lead agency",
                                         error_messages={"required": "Select the lead agency"})
    commissioning_agencies = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label="Other commissioning agencies", help_text="The lead agency is always included.")
    intention = forms.ModelChoiceField(queryset=None, required=False,
                                       empty_label="None", label="Commissioning intention")
    schedule = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="None", label="Pooled budget schedule",
        help_text="The section 75 scheme that funds the contract, if any.")
    total_value = _money("Total value (£)")
    annual_value = _money("Annual value (£)")
    value_is_sensitive = forms.BooleanField(
        required=False, label="The values are commercially sensitive",
        help_text="They are left out of the open contracting data export.")
    starts = forms.DateField(help_text="For example, 2025-04-01",
                             error_messages={**DATE_ERRORS, "required": "Enter the start date"})
    ends = forms.DateField(help_text="For example, 2028-03-31",
                           error_messages={**DATE_ERRORS, "required": "Enter the end date"})
    extension_options = forms.CharField(max_length=200, required=False)
    procurement_route = forms.ChoiceField(choices=ProcurementRoute.choices,
                                          error_messages={"required": "Select the route"})
    is_light_touch = forms.BooleanField(required=False,
                                        label="Light-touch contract (Procurement Act 2023)")
    status = forms.ChoiceField(choices=ContractStatus.choices,
                               error_messages={"required": "Select the contract's status"})
    published_on_contracts_finder = forms.BooleanField(required=False,
                                                       label="Published on Contracts Finder")
    contracts_finder_id = forms.CharField(max_length=60, required=False,
                                          label="Contracts Finder notice ID")

    def __init__(self, *args, providers, agencies, intentions, schedules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["lead_agency"].queryset = agencies
        self.fields["commissioning_agencies"].queryset = agencies
        self.fields["intention"].queryset = intentions
        self.fields["schedule"].queryset = schedules

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", "The end date must be on or after the start date")
        return data


class KPIForm(forms.Form):
    name = forms.CharField(max_length=200, label="KPI",
                           error_messages={"required": "Enter what the KPI measures"})
    unit = forms.CharField(max_length=30, help_text="For example: %, days, children",
                           error_messages={"required": "Enter the unit"})
    target = forms.DecimalField(max_digits=12, decimal_places=2, error_messages={
        "required": "Enter the target", "invalid": "Enter the target as a number, like 92"})
    direction = forms.ChoiceField(choices=Direction.choices, widget=forms.RadioSelect,
                                  error_messages={"required": "Select which way is better"})
    amber_tolerance = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), initial=Decimal("0"),
        help_text="How far on the wrong side of the target is still amber, in the KPI's unit.",
        error_messages={"invalid": "Enter the tolerance as a number, like 5",
                        "min_value": "The tolerance cannot be negative",
                        "required": "Enter the tolerance (0 for none)"})
    frequency = forms.ChoiceField(choices=Frequency.choices, widget=forms.RadioSelect,
                                  error_messages={"required": "Select how often it is reported"})


class CorrectionForm(forms.Form):
    value = forms.CharField(max_length=40, label="Corrected value",
                            error_messages={"required": "Enter the corrected value"},
                            widget=forms.TextInput(attrs={"class": "govuk-input--width-10",
                                                          "inputmode": "decimal"}))
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=2000, help_text="Say why it was corrected.")


class ReturnsForm(forms.Form):
    """A quarter's returns: one value (and comment) per KPI; blank values are left out."""

    year = forms.CharField(max_length=7, label="Financial year", help_text="For example, 2025-26",
                           widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
                           error_messages={"required": "Enter the financial year"})
    quarter = forms.ChoiceField(choices=[(q, f"Q{q} ({m})") for q, m in (
        (1, "April to June"), (2, "July to September"), (3, "October to December"),
        (4, "January to March"))], widget=forms.RadioSelect,
        error_messages={"required": "Select the quarter",
                        "invalid_choice": "Select a quarter from 1 to 4"})

    def __init__(self, *args, kpis, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        for kpi in self.kpis:
            direction = "at least" if kpi.direction == Direction.HIGHER else "at most"
            self.fields[f"kpi-{kpi.pk}"] = forms.CharField(
                required=False, label=f"{kpi.name} ({kpi.unit})",
                help_text=f"Target {direction} {kpi.target.normalize():f} {kpi.unit}; "
                          f"{kpi.get_frequency_display().lower()}.",
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10",
                                              "inputmode": "decimal"}))
            self.fields[f"kpi-{kpi.pk}-comment"] = forms.CharField(
                required=False, label=f"Comment on {kpi.name}", max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}))

    def values(self):
        data = self.cleaned_data
        return {kpi.pk: {"value": data[f"kpi-{kpi.pk}"],
                         "comment": data.get(f"kpi-{kpi.pk}-comment", "")}
                for kpi in self.kpis if (data.get(f"kpi-{kpi.pk}") or "").strip()}


class AssessmentForm(forms.Form):
    rating = forms.ChoiceField(choices=AssessmentRating.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Select a rating"})
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             help_text="Needed when the rating differs from the one the KPI "
                                       "returns give, and for any change.")


class QualityVisitForm(forms.Form):
    visited_on = forms.DateField(label="Date of the visit", help_text="For example, 2026-05-14",
                                 error_messages={**DATE_ERRORS,
                                                 "required": "Enter the date of the visit"})
    findings = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": "Enter what the visit found"})
    rating = forms.ChoiceField(choices=VisitRating.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Select a rating"})
    actions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
