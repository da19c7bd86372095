"""Forms for the governance pages; they validate input, services apply the rules."""
from django import forms

from .models import AgendaKind, DecisionMethod, Outcome
from .quarters import parse_year


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
