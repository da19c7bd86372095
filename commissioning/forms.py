"""Page forms of the cycle. They only parse input; the rules live in services."""
from decimal import Decimal

from django import forms

from .models import DisagreementStatus, IntentionStatus, Level, Rag

DATE_HELP = "For example, 2026-04-01"
DATE_ERRORS = {"invalid": "Enter a real date, like 2026-04-01"}


class IntentionForm(forms.Form):
    MULTI = ("joint_lead_agencies", "partner_agencies", "priorities")

    title = forms.CharField(max_length=250, error_messages={"required": "Enter a title"})
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    thematic_area = forms.CharField(max_length=120, required=False,
                                    help_text="For example, Social, emotional and mental health")
    level = forms.ChoiceField(choices=Level.choices, widget=forms.RadioSelect,
                              error_messages={"required": "Select the level"})
    lead_agency = forms.ModelChoiceField(queryset=None, empty_label="Choose the lead agency",
                                         error_messages={"required": "Select the lead agency"})
    joint_lead_agencies = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label="Other agencies leading it jointly",
        help_text="Only if it is jointly led. Each lead signs off each stage gate.")
    partner_agencies = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label="Partner agencies", help_text="Every partner signs off each stage gate.")
    priorities = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label="Strategy priorities it answers")
    estimated_annual_value = forms.DecimalField(
        label="Estimated annual value (£)", min_value=Decimal("0"), max_digits=14,
        decimal_places=2, help_text="In pounds, for example 250000.00",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false",
                                      "class": "govuk-input--width-10"}),
        error_messages={"required": "Enter the estimated annual value",
                        "invalid": "Enter the value as an amount, like 250000 or 250000.00",
                        "min_value": "The value cannot be negative",
                        "max_decimal_places": "Enter the value to the penny at most",
                        "max_digits": "The value is too large"})
    value_is_sensitive = forms.BooleanField(
        required=False, label="The value is commercially sensitive",
        help_text="Only the partner agencies will see it.")
    starts = forms.DateField(required=False, help_text=DATE_HELP, error_messages=DATE_ERRORS)
    ends = forms.DateField(required=False, help_text=DATE_HELP, error_messages=DATE_ERRORS)
    published_for_consultation = forms.BooleanField(
        required=False, label="Publish for consultation",
        help_text="Parent-carer and young people's representatives will see it.")

    def __init__(self, *args, agencies, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = agencies
        self.fields["joint_lead_agencies"].queryset = agencies
        self.fields["partner_agencies"].queryset = agencies
        self.fields["priorities"].queryset = priorities
        self.fields["priorities"].label_from_instance = lambda p: f"{p.number}. {p.title}"

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", "The end date must be on or after the start date")
        lead = data.get("lead_agency")
        joint = set(data.get("joint_lead_agencies") or [])
        partners = set(data.get("partner_agencies") or [])
        if lead and lead in partners:
            self.add_error("partner_agencies", "The lead agency is not also a partner")
        elif joint & partners:
            self.add_error("partner_agencies",
                           "An agency leading it jointly is not also a partner")
        return data


def _lines(text) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class StrategyWordsForm(forms.Form):
    """A strategy's own words: its summary, vision, principles and the outcomes children,
    young people and families said they want (one per line, in order)."""

    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    vision = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                             help_text="The strategy's vision, in its own words.")
    principles = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False,
        label="Principles, one per line, in order")
    outcomes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False,
        label="Outcomes children, young people and families said they want, one per line, "
              "in order")

    def clean_vision(self):
        vision = self.cleaned_data["vision"].strip()
        if len(vision) > 5000:
            raise forms.ValidationError("Shorten the vision to 5,000 characters or fewer")
        return vision

    def clean_principles(self):
        return _ordered(self.cleaned_data["principles"], "principle")

    def clean_outcomes(self):
        return _ordered(self.cleaned_data["outcomes"], "outcome")


def _ordered(text, what) -> list[str]:
    lines = _lines(text)
    if len(lines) > 50:
        raise forms.ValidationError(f"List 50 {what}s or fewer")
    if any(len(line) > 1000 for line in lines):
        raise forms.ValidationError(f"Shorten each {what} to 1,000 characters or fewer")
    return lines


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect,
        label="Your decision", error_messages={"required": "Select approve or reject"})
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                             label="Reason", help_text="Required when you reject.")

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", "Say why you reject it")
        return data


class ReferralForm(forms.Form):
    board = forms.ModelChoiceField(queryset=None, empty_label="Choose a board",
                                   error_messages={"required": "Select a board"})
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards


class TransitionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Add a comment",
                           error_messages={"required": "Enter a comment"})


class ActionForm(forms.Form):
    number = forms.CharField(max_length=10, help_text="For example, 2.3",
                             error_messages={"required": "Enter the action's number"})
    title = forms.CharField(max_length=300, error_messages={"required": "Enter the action"})
    owner_agency = forms.ModelChoiceField(queryset=None, empty_label="Choose an agency",
                                          label="Owning agency",
                                          error_messages={"required": "Select the owning agency"})
    due = forms.DateField(required=False, help_text=DATE_HELP, error_messages=DATE_ERRORS)
    rag = forms.ChoiceField(choices=Rag.choices, widget=forms.RadioSelect, label="RAG status",
                            error_messages={"required": "Select a RAG status"})
    progress_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = agencies


class DisagreementForm(forms.Form):
    subject = forms.CharField(max_length=250, error_messages={"required": "Enter the subject"})
    details = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    parties = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Agencies in disagreement",
        error_messages={"required": "Select the agencies in disagreement"})

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = agencies


class ResolveForm(forms.Form):
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                                 error_messages={"required": "Enter how it was resolved"})


STATUS_CHOICES = IntentionStatus.choices
DISAGREEMENT_STATUS_CHOICES = DisagreementStatus.choices
