"""Forms for the governance pages; they validate input, services apply the rules."""
import calendar
from decimal import Decimal

from django import forms

from portal import periods

from .models import AgendaKind, DecisionMethod, MeetingFrequency, Outcome
from .quarters import parse_year
from .roles import BoardRole

# Months in financial-year order (April first), weeks of the month, days of the week.
MONTHS = [(m, calendar.month_name[m]) for m in (*range(4, 13), 1, 2, 3)]
WEEKS = [(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (-1, "Last")]
WEEKDAYS = [(d, calendar.day_name[d]) for d in range(5)]


class MeetingForm(forms.Form):
    date = forms.DateField(label="Date", help_text="For example, 2025-09-18",
                           widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": "Enter the date of the meeting",
                                           "invalid": "Enter a real date, like 2025-09-18"})
    location = forms.CharField(label="Location", max_length=200, required=False)
    online = forms.BooleanField(label="The meeting is online", required=False)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="Minutes", widget=forms.Textarea(attrs={"rows": 8}),
                              required=False)
    status = forms.ChoiceField(label="Status", choices=[("scheduled", "Scheduled"),
                                                         ("held", "Held"),
                                                         ("cancelled", "Cancelled")],
                               widget=forms.RadioSelect,
                               error_messages={"required": "Select the meeting's status"})


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="Title", max_length=250,
                            error_messages={"required": "Enter the item's title"})
    kind = forms.ChoiceField(label="Kind of item", choices=AgendaKind.choices,
                             widget=forms.RadioSelect, initial=AgendaKind.PAPER,
                             error_messages={"required": "Select the kind of item"})
    intention = forms.TypedChoiceField(label="Commissioning intention", required=False,
                                       coerce=int, empty_value=None,
                                       help_text="For an item about an intention.")
    referral_id = forms.TypedChoiceField(label="Board referral", required=False, coerce=int,
                                         empty_value=None,
                                         help_text="For an item deciding a referral.")
    paper_url = forms.URLField(label="Link to the paper", required=False, assume_scheme="https")

    def __init__(self, *args, intentions=(), referrals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intention"].choices = [("", "None")] + [
            (i.pk, f"{i.reference} {i.title}") for i in intentions]
        self.fields["referral_id"].choices = [("", "None")] + [
            (r.pk, str(r)) for r in referrals]


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(label="Who attended", required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (m.pk, f"{m.user}, {m.agency.name} ({m.get_role_display().lower()})")
            for m in members]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Select the outcome"})
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "Enter the reason for the decision"})
    method = forms.ChoiceField(label="How the board decided", choices=DecisionMethod.choices,
                               widget=forms.RadioSelect, initial=DecisionMethod.CONSENSUS,
                               error_messages={"required": "Select how the board decided"})
    votes_for = forms.IntegerField(label="Votes for", min_value=0, required=False)
    votes_against = forms.IntegerField(label="Votes against", min_value=0, required=False)
    abstentions = forms.IntegerField(label="Abstentions", min_value=0, required=False)


class ReportRequestForm(forms.Form):
    year = forms.CharField(label="Financial year", max_length=7, help_text="For example, 2025-26",
                           error_messages={"required": "Enter the financial year, like 2025-26"})
    quarter = forms.TypedChoiceField(label="Quarter", coerce=int, widget=forms.RadioSelect,
                                     choices=[(1, "Quarter 1 (April to June)"),
                                              (2, "Quarter 2 (July to September)"),
                                              (3, "Quarter 3 (October to December)"),
                                              (4, "Quarter 4 (January to March)")],
                                     error_messages={"required": "Select the quarter"})
    new_version = forms.BooleanField(
        label="Produce a new version", required=False,
        help_text="Only to correct a report already produced for this quarter.")
    # Set by the confirmation page shown for a quarter that has not ended yet.
    confirm_unfinished = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_year(self):
        year = self.cleaned_data["year"].strip()
        try:
            parse_year(year)
        except ValueError as exc:
            raise forms.ValidationError("Enter the financial year like 2025-26") from exc
        return year


class CommentForm(forms.Form):
    body = forms.CharField(label="Your comment", max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Enter your comment",
                                           "max_length": "Your comment must be 5,000 characters "
                                                         "or fewer"})
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


# --- setting boards up (issue 13) --------------------------------------------------------
def _choices(objects):
    return [(str(o.pk), str(o)) for o in objects]


def _date(label, required=False, help_text="For example, 2026-04-01"):
    return forms.DateField(label=label, required=required, help_text=help_text,
                           widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": f"Enter the {label.lower()}",
                                           "invalid": "Enter a real date, like 2026-04-01"})


class BoardForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the board's name"})
    short_name = forms.CharField(label="Short name", max_length=40, required=False,
                                 help_text="For example, SSB.",
                                 widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))
    purpose = forms.CharField(label="Purpose and terms of reference", required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))
    reports_to = forms.MultipleChoiceField(
        label="Boards it reports to", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="A board may report to several boards, but never to a board below it.")
    meeting_frequency = forms.ChoiceField(
        label="How often it meets", choices=MeetingFrequency.choices, widget=forms.RadioSelect,
        initial=MeetingFrequency.QUARTERLY,
        error_messages={"required": "Select how often the board meets"})
    delegated_limit = forms.DecimalField(
        label="Delegated financial limit (£)", min_value=Decimal("0"), max_digits=14,
        decimal_places=2, initial=Decimal("0"),
        help_text="The largest annual value the board may decide; 0 if it decides nothing.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={"required": "Enter the delegated limit, or 0",
                        "invalid": "Enter the limit as an amount, like 250000 or 250000.00",
                        "min_value": "The limit cannot be negative",
                        "max_decimal_places": "Enter pounds and pence only"})
    quorum = forms.IntegerField(
        label="Quorum", min_value=1, max_value=100, initial=3,
        help_text="How many members must be present for a decision.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"required": "Enter how many members make a quorum",
                        "invalid": "Enter the quorum as a whole number, like 3",
                        "min_value": "The quorum must be at least 1",
                        "max_value": "The quorum must be 100 or fewer"})
    quorum_agencies = forms.MultipleChoiceField(
        label="Agencies that must be represented for a quorum", required=False,
        widget=forms.CheckboxSelectMultiple)
    scope_agencies = forms.MultipleChoiceField(
        label="Agencies whose work the board receives", required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their intentions, budgets and contracts appear in the board's reports.")

    decides_for = forms.MultipleChoiceField(
        label="Agencies it decides for", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="A referral for one of these agencies comes to this board when its limit "
                  "for that agency covers the value.")

    def __init__(self, *args, agencies=(), boards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports_to"].choices = _choices(boards)
        for name in ("quorum_agencies", "scope_agencies", "decides_for"):
            self.fields[name].choices = _choices(agencies)
        self.agencies = list(agencies)
        for agency in self.agencies:  # a limit per agency, where it differs from the board's
            self.fields[f"limit_{agency.pk}"] = forms.DecimalField(
                label=f"Limit when deciding for {agency.name} (£)", required=False,
                min_value=Decimal("0"), max_digits=14, decimal_places=2,
                help_text="Leave blank for the board's delegated limit.",
                widget=forms.TextInput(attrs={"inputmode": "decimal",
                                              "class": "govuk-input--width-10"}),
                error_messages={"invalid": "Enter the limit as an amount, like 250000",
                                "min_value": "The limit cannot be negative",
                                "max_decimal_places": "Enter pounds and pence only"})

    def clean(self):
        data = super().clean()
        chosen = set(data.get("decides_for") or [])
        for agency in self.agencies:
            if data.get(f"limit_{agency.pk}") is not None and str(agency.pk) not in chosen:
                self.add_error(f"limit_{agency.pk}", f"Tick {agency.name} under \u201cAgencies "
                                                     "it decides for\u201d, or leave its limit "
                                                     "blank")
        return data

    def decisions(self):
        """[(agency, limit or None)] for the agencies ticked."""
        chosen = set(self.cleaned_data.get("decides_for") or [])
        return [(agency, self.cleaned_data.get(f"limit_{agency.pk}"))
                for agency in self.agencies if str(agency.pk) in chosen]


class SeatForm(forms.Form):
    user = forms.ChoiceField(label="Person", error_messages={
        "required": "Select the person", "invalid_choice": "Select the person"})
    agency = forms.ChoiceField(label="Agency they represent", error_messages={
        "required": "Select the agency", "invalid_choice": "Select the agency"})
    role = forms.ChoiceField(label="Role on the board", choices=BoardRole.choices,
                             widget=forms.RadioSelect, initial=BoardRole.MEMBER,
                             error_messages={"required": "Select the role on the board"})
    starts = _date("Start date")
    ends = _date("End date", help_text="Leave blank if the seat is open-ended.")

    def __init__(self, *args, people=(), agencies=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a seat stays the same person's
            del self.fields["user"]
        else:
            self.fields["user"].choices = [("", "Choose a person")] + [
                (str(p.pk), p.get_full_name() or p.username) for p in people]
        self.fields["agency"].choices = [("", "Choose an agency")] + _choices(agencies)

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", "The end date must be on or after the start date")
        return data


class SeatEndForm(forms.Form):
    on = _date("Last day of the seat", required=True, help_text="For example, 2026-03-31")


class ScheduleForm(forms.Form):
    year = forms.CharField(label="Financial year", max_length=7,
                           help_text="For example, 2026-27",
                           widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
                           error_messages={"required": "Enter the financial year, like 2026-27"})
    frequency = forms.ChoiceField(label="How often the board meets",
                                  choices=MeetingFrequency.choices, widget=forms.RadioSelect,
                                  error_messages={"required": "Select how often the board meets"})
    first_month = forms.TypedChoiceField(
        label="Month of the first meeting", coerce=int, choices=MONTHS,
        help_text="Within the financial year; the others follow at the chosen frequency.",
        error_messages={"required": "Select the month of the first meeting"})
    week = forms.TypedChoiceField(label="Week of the month", coerce=int, choices=WEEKS,
                                  error_messages={"required": "Select the week of the month"})
    weekday = forms.TypedChoiceField(label="Day of the week", coerce=int, choices=WEEKDAYS,
                                     error_messages={"required": "Select the day of the week"})
    location = forms.CharField(label="Location", max_length=200, required=False)
    online = forms.BooleanField(label="The meetings are online", required=False)

    def clean_year(self):
        year = self.cleaned_data["year"].strip()
        try:
            periods.parse_year(year)
        except ValueError as exc:
            raise forms.ValidationError("Enter the financial year like 2026-27") from exc
        return year
