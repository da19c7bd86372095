"""Page forms. They only shape input; the rules live in the services."""
from django import forms

from .models import NeedsCategory

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_HINT = "For example, 2025-04-30 or 30/04/2025"


def _money(label, required=True, help_text=""):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, required=required,
                              help_text=help_text, widget=forms.TextInput(
                                  attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
                              error_messages={
                                  "invalid": f"Enter {label.lower()} in pounds, like 1250.00",
                                  "max_decimal_places": "Enter pounds and pence only (two "
                                                        "decimal places)",
                                  "required": f"Enter {label.lower()}"})


def _date(label, required=True):
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS,
                           help_text=DATE_HINT, widget=forms.TextInput(
                               attrs={"class": "govuk-input--width-10"}),
                           error_messages={"invalid": f"Enter {label.lower()} as a real date, "
                                                      "like 2025-04-30",
                                           "required": f"Enter {label.lower()}"})


class SpendForm(forms.Form):
    schedule = forms.ChoiceField(label="Schedule", error_messages={
        "required": "Select the schedule", "invalid_choice": "Select the schedule"})
    date = _date("Date paid")
    amount = _money("Amount")
    description = forms.CharField(label="Description", max_length=250, error_messages={
        "required": "Enter what the money was spent on"})
    source_agency = forms.ChoiceField(
        label="Paying partner", required=False,
        help_text="Required for aligned budgets: whose money paid for it.")
    contract_reference = forms.CharField(label="Contract reference", max_length=60,
                                         required=False)

    def __init__(self, *args, schedules=(), parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schedule"].choices = [("", "Choose a schedule")] + [
            (str(s.pk), f"{s.code} {s.name} ({s.get_budget_type_display().lower()})")
            for s in schedules]
        self.fields["source_agency"].choices = [("", "Not applicable (pooled)")] + [
            (str(p.pk), p.name) for p in parties]


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text=(
        "Columns: schedule, date, amount, description, and optionally source (the partner "
        "whose money paid, for aligned schedules) and contract (a reference in the contract "
        "register). Up to 5 MB, saved as CSV UTF-8."),
        error_messages={"required": "Select a CSV file"})


class ForecastForm(forms.Form):
    """One outturn, commitment and note field per schedule."""

    def __init__(self, *args, schedules=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.rows = []
        for schedule in schedules:
            values = current.get(schedule.pk, {})
            names = (f"outturn_{schedule.pk}", f"committed_{schedule.pk}", f"note_{schedule.pk}")
            self.fields[names[0]] = _money(f"Forecast outturn for {schedule.code}",
                                           required=False)
            self.fields[names[1]] = _money(f"Committed for {schedule.code}", required=False)
            self.fields[names[2]] = forms.CharField(label=f"Note for {schedule.code}",
                                                    max_length=300, required=False)
            for name, key in zip(names, ("outturn", "committed", "note"), strict=True):
                self.initial[name] = values.get(key)
            self.rows.append((schedule, [self[n] for n in names]))

    def entries(self):
        return [{"schedule": schedule,
                 "outturn": self.cleaned_data.get(f"outturn_{schedule.pk}"),
                 "committed": self.cleaned_data.get(f"committed_{schedule.pk}"),
                 "note": self.cleaned_data.get(f"note_{schedule.pk}") or ""}
                for schedule, _ in self.rows]


class CommentaryForm(forms.Form):
    """Reasons for the variance, mitigations and forecast risks: overall, then per schedule."""

    PARTS = (("variance_reasons", "Reasons for the variance"), ("mitigations", "Mitigations"),
             ("forecast_risks", "Forecast risks"))
    PARTS_FIELDS = tuple(part for part, _ in PARTS)

    def __init__(self, *args, schedules=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.groups = []
        for schedule in (None, *schedules):
            key = schedule.pk if schedule else "overall"
            where = f"for {schedule.code}" if schedule else "overall"
            values = current.get(schedule.pk if schedule else None) or {}
            names = []
            for part, label in self.PARTS:
                name = f"{part}_{key}"
                self.fields[name] = forms.CharField(
                    label=f"{label} {where}", required=False, max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 3}))
                self.initial[name] = values.get(part, "")
                names.append(name)
            self.groups.append((schedule, [self[n] for n in names]))

    def entries(self):
        result = []
        for schedule, _ in self.groups:
            key = schedule.pk if schedule else "overall"
            result.append({"schedule": schedule, **{
                part: self.cleaned_data.get(f"{part}_{key}", "") for part, _ in self.PARTS}})
        return result


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Why must the quarter be reopened?", widget=forms.Textarea(
        attrs={"rows": 4}), help_text="This is recorded in the audit history.",
        error_messages={"required": "Enter why the quarter must be reopened"})


class ReturnForm(forms.Form):
    reason = forms.CharField(label="Why are the figures returned?", widget=forms.Textarea(
        attrs={"rows": 4}), help_text="The pooled fund manager reads this; it is recorded in "
                                       "the audit history.",
        error_messages={"required": "Enter why the figures are returned"})


SPLIT_CHOICES = [("percentages", "As percentages of the annual cost"),
                 ("amounts", "As amounts in pounds")]


class SplitForm(forms.Form):
    annual_cost = _money("Annual cost")
    split_by = forms.ChoiceField(label="How do you want to give the split?",
                                 choices=SPLIT_CHOICES, widget=forms.RadioSelect,
                                 error_messages={"required": "Select how to give the split"})
    social_care = forms.DecimalField(label="Social care", max_digits=14, decimal_places=4,
                                     min_value=0, error_messages={
                                         "required": "Enter the social care part (0 if none)"})
    health = forms.DecimalField(label="Health", max_digits=14, decimal_places=4, min_value=0,
                                error_messages={"required": "Enter the health part (0 if none)"})
    education = forms.DecimalField(label="Education", max_digits=14, decimal_places=4,
                                   min_value=0, error_messages={
                                       "required": "Enter the education part (0 if none)"})

    def split(self):
        data = self.cleaned_data
        keyed = {"social_care_amount": data["social_care"], "health_amount": data["health"],
                 "education_amount": data["education"]}
        return {data["split_by"]: keyed}


class JointPackageForm(SplitForm):
    reference = forms.CharField(
        label="Pseudonymous reference", max_length=24,
        help_text="Capital letters, digits and hyphens, like JP-DER-0042. Never a name, date "
                  "of birth or NHS number.", error_messages={"required": "Enter a reference"})
    needs_category = forms.ChoiceField(label="Area of need", choices=NeedsCategory.choices,
                                       widget=forms.RadioSelect,
                                       error_messages={"required": "Select the area of need"})
    request_date = _date("Date requested")
    agreement_date = _date("Date agreed", required=False)
    review_date = _date("Review date", required=False)
    agreement = forms.ChoiceField(label="Pooled fund", required=False)

    field_order = ["reference", "needs_category", "annual_cost", "split_by", "social_care",
                   "health", "education", "request_date", "agreement_date", "review_date",
                   "agreement"]

    def clean_reference(self):
        """Refuse personal data at once, alongside any other error on the form."""
        from .services.packages import reference_problem

        reference = self.cleaned_data["reference"].strip()
        problem = reference_problem(reference)
        if problem:
            raise forms.ValidationError(problem)
        return reference

    def __init__(self, *args, agreements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = [("", "Not funded from a pooled fund")] + [
            (str(a.pk), a.title) for a in agreements]


class GrantForm(forms.Form):
    user = forms.ChoiceField(label="Person", error_messages={
        "required": "Select a person", "invalid_choice": "Select a person"})
    can_change = forms.BooleanField(label="May also change the package and grant it to others",
                                    required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Choose a person")] + [
            (str(p.pk), f"{p} ({p.email})") for p in people]


class ContributionsForm(forms.Form):
    """One amount per schedule x partner for a year."""

    def __init__(self, *args, schedules=(), parties=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.parties = list(parties)
        self.rows = []
        for schedule in schedules:
            cells = []
            for party in self.parties:
                name = f"c_{schedule.pk}_{party.pk}"
                self.fields[name] = _money(f"{party.name} to {schedule.code}",
                                           required=False)
                self.initial[name] = current.get((schedule.pk, party.pk))
                cells.append(self[name])
            self.rows.append((schedule, cells))

    def entries(self):
        for schedule, _ in self.rows:
            for party in self.parties:
                value = self.cleaned_data.get(f"c_{schedule.pk}_{party.pk}")
                if value is not None:
                    yield schedule, party, value


class VariationForm(forms.Form):
    schedule = forms.ChoiceField(label="Schedule", error_messages={
        "required": "Select the schedule", "invalid_choice": "Select the schedule"})
    agency = forms.ChoiceField(label="Partner", error_messages={
        "required": "Select the partner", "invalid_choice": "Select the partner"})
    amount = forms.DecimalField(
        label="Change", max_digits=14, decimal_places=2, help_text="Negative to reduce, "
        "for example -25000.00", widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": "Enter the change in pounds",
                        "invalid": "Enter the change in pounds, like -25000.00"})
    date = _date("Date of the change")
    reason = forms.CharField(label="Reason", max_length=300, error_messages={
        "required": "Enter why the contribution changes"})

    def __init__(self, *args, schedules=(), parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schedule"].choices = [("", "Choose a schedule")] + [
            (str(s.pk), f"{s.code} {s.name}") for s in schedules]
        self.fields["agency"].choices = [("", "Choose a partner")] + [
            (str(p.pk), p.name) for p in parties]


class RiskRuleForm(forms.Form):
    basis = forms.ChoiceField(label="How is a variance shared?", widget=forms.RadioSelect,
                              error_messages={"required": "Select how the risk is shared"})
    direction = forms.ChoiceField(label="Applies to", widget=forms.RadioSelect,
                                  error_messages={"required": "Select what the rule applies to"})

    def __init__(self, *args, parties=(), separately=False, **kwargs):
        from .models import Direction, RiskBasis

        super().__init__(*args, **kwargs)
        self.fields["basis"].choices = RiskBasis.choices
        self.fields["direction"].choices = Direction.choices if separately else [
            (Direction.BOTH.value, Direction.BOTH.label)]
        self.fields["direction"].initial = Direction.BOTH
        self.parties = list(parties)
        for party in self.parties:
            self.fields[f"pct_{party.pk}"] = forms.DecimalField(
                label=f"{party.name}: percentage", required=False, max_digits=7,
                decimal_places=4, min_value=0, max_value=100,
                help_text="Fixed percentages only; they must add up to 100.",
                widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
                error_messages={"invalid": "Enter a percentage, like 45.5"})
            self.fields[f"cap_{party.pk}"] = _money(f"{party.name}: cap",
                                                    required=False,
                                                    help_text="Optional; the rest falls "
                                                              "to the host.")

    def terms(self):
        terms = []
        for party in self.parties:
            pct = self.cleaned_data.get(f"pct_{party.pk}")
            cap = self.cleaned_data.get(f"cap_{party.pk}")
            if pct is not None or cap is not None:
                terms.append({"agency": party, "percentage": pct, "cap": cap})
        return terms


class AgreementForm(forms.Form):
    title = forms.CharField(label="Title", max_length=250, error_messages={
        "required": "Enter the agreement's title"})
    reference = forms.CharField(label="Document reference", max_length=60, required=False)
    parties = forms.MultipleChoiceField(label="Parties", widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": "Select the parties"})
    host = forms.ChoiceField(label="Host partner", error_messages={
        "required": "Select the host partner", "invalid_choice": "Select the host partner"})
    pooled_fund_manager = forms.ChoiceField(label="Pooled fund manager", required=False,
                                            help_text="An officer of the host partner.")
    starts = _date("Start date")
    ends = _date("End date", required=False)
    share_separately = forms.BooleanField(
        label="Share overspends and underspends separately, each by its own rule",
        required=False)
    carry_forward_underspend = forms.BooleanField(
        label="A year's underspend stays in the pool for the next year (carried forward)",
        required=False)

    def __init__(self, *args, agencies=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(a.pk), a.name) for a in agencies]
        self.fields["parties"].choices = choices
        self.fields["host"].choices = [("", "Choose the host")] + choices
        self.fields["pooled_fund_manager"].choices = [("", "Not named yet")] + [
            (str(p.pk), str(p)) for p in people]


class ScheduleForm(forms.Form):
    code = forms.CharField(label="Code", max_length=20, help_text="Used in spend files, e.g. S4.",
                           widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
                           error_messages={"required": "Enter a short code"})
    name = forms.CharField(label="Name", max_length=200, error_messages={
        "required": "Enter the schedule's name"})
    budget_type = forms.ChoiceField(label="Budget", widget=forms.RadioSelect, error_messages={
        "required": "Select pooled or aligned"})
    lead_partner = forms.ChoiceField(label="Lead partner", error_messages={
        "required": "Select the lead partner", "invalid_choice": "Select the lead partner"})
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    contract_references = forms.CharField(label="Contract references", max_length=250,
                                          required=False,
                                          help_text="Separate several with commas.")

    def __init__(self, *args, parties=(), **kwargs):
        from .models import BudgetType

        super().__init__(*args, **kwargs)
        self.fields["budget_type"].choices = BudgetType.choices
        self.fields["lead_partner"].choices = [("", "Choose the lead partner")] + [
            (str(p.pk), p.name) for p in parties]


class VirementForm(forms.Form):
    """Move budget from one schedule to another (issue 16)."""

    from_schedule = forms.TypedChoiceField(
        label="Move budget from", coerce=int,
        error_messages={"required": "Select the schedule to move budget from"})
    to_schedule = forms.TypedChoiceField(
        label="Move it to", coerce=int,
        error_messages={"required": "Select the schedule to move budget to"})
    amount = _money("Amount")
    year = forms.RegexField(label="Financial year", regex=r"^\d{4}-\d{2}$",
                            help_text="For example, 2025-26",
                            widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
                            error_messages={"required": "Enter the financial year",
                                            "invalid": "Enter the financial year like 2025-26"})
    quarter = forms.TypedChoiceField(
        label="From which quarter?", coerce=int, widget=forms.RadioSelect,
        choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)],
        help_text="The first quarter whose position shows the revised budgets; it and the "
                  "later quarters of the year must be open.",
        error_messages={"required": "Select the quarter"})
    reason = forms.CharField(label="Why move it?", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="The approvers read this; it is kept in the audit "
                                       "history.",
                             error_messages={"required": "Enter the reason for the virement"})

    def __init__(self, *args, schedules=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Select a schedule")] + [(s.pk, f"{s.code} {s.name}") for s in schedules]
        self.fields["from_schedule"].choices = choices
        self.fields["to_schedule"].choices = choices


class RejectForm(forms.Form):
    reason = forms.CharField(label="Why is it rejected?", widget=forms.Textarea(
        attrs={"rows": 4}), help_text="The proposer reads this; it is kept in the audit "
                                      "history.",
        error_messages={"required": "Enter why the virement is rejected"})
