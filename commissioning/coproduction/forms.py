"""Forms of the co-production pages (GOV.UK markup via components/form_fields.html)."""
from django import forms

from .models import Audience, MilestoneKind, Moderation, Outcome

BODY_HINT = ("Plain text. Line breaks and web links are kept. Do not include anyone's "
             "name, contact details, NHS number or date of birth.")


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment", max_length=5000, help_text=BODY_HINT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter your comment",
                        "max_length": "Your comment must be 5,000 characters or fewer"})
    show_publicly = forms.BooleanField(
        required=False, label="You may show my comment on the public “You said, we did” page",
        help_text="It is shown as from “a parent carer” or “a young person”, without your name.")
    show_name = forms.BooleanField(required=False, label="Show my name with it instead")
    in_reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_personal_data = forms.BooleanField(
        required=False, widget=forms.HiddenInput,
        label="I have checked my comment and want to post it as it is")

    def __init__(self, *args, attribution=None, **kwargs):
        super().__init__(*args, **kwargs)
        if attribution:  # say exactly how this person's comment will appear
            self.fields["show_publicly"].help_text = (
                f"It is shown as from “{attribution}”, without your name.")
            self.fields["body"].help_text = (
                f"Your comment appears as from “{attribution}” unless you choose to show "
                f"your name. {BODY_HINT}")


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]
    show_publicly = CommentForm.base_fields["show_publicly"]
    show_name = CommentForm.base_fields["show_name"]
    confirm_personal_data = CommentForm.base_fields["confirm_personal_data"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter the reason",
                                             "max_length": "The reason must be 1,000 "
                                                           "characters or fewer"})

    def __init__(self, *args, label="Reason", hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint


class ResponseForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Select the outcome"})
    body = forms.CharField(label="Your response", max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": "Enter the response"})
    reason = forms.CharField(
        label="Why it is not taken forward", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required if the outcome is “Not taken forward”.")
    what_changed = forms.CharField(
        label="What changed in the plan", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required if the outcome is “Changed the plan”; shown in the "
                  "“what changed” summary.")
    publish = forms.BooleanField(
        required=False, label="Publish it now",
        help_text="Responses to a consultation's comments are published together after it "
                  "closes; leave this unticked to save a draft.")

    # Required only with one outcome: the page does not mark them "(optional)" (the hint
    # says when they are needed) and the form asks for them with the service's words.
    REQUIRED_WHEN = {"reason": (Outcome.NOT_TAKEN_FORWARD, "Enter why it is not taken forward"),
                     "what_changed": (Outcome.CHANGED, "Enter what changed in the plan")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (outcome, _message) in self.REQUIRED_WHEN.items():
            self.fields[name].required_when = Outcome(outcome).label

    def clean(self):
        data = super().clean()
        for name, (outcome, message) in self.REQUIRED_WHEN.items():
            if data.get("outcome") == outcome and not (data.get(name) or "").strip():
                self.add_error(name, message)
        return data


class ModerationRuleForm(forms.Form):
    comments = forms.ChoiceField(
        label="Comments from parent carers and partner organisations",
        choices=Moderation.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select how these comments are moderated"})
    young_people = forms.ChoiceField(
        label="Comments from young people", choices=Moderation.choices,
        widget=forms.RadioSelect,
        help_text="Pre-moderation is the default for young people's comments.",
        error_messages={"required": "Select how young people's comments are moderated"})


class ConsultationForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    description = forms.CharField(required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    questions = forms.CharField(
        required=False, label="Questions asked, one per line",
        widget=forms.Textarea(attrs={"rows": 4}))
    audiences = forms.MultipleChoiceField(
        label="Who it is for", choices=Audience.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select who the consultation is for"})
    opens = forms.DateField(help_text="For example, 2026-11-23",
                            error_messages={"required": "Enter the date it opens",
                                            "invalid": "Enter a real date, like 2026-11-23"})
    closes = forms.DateField(help_text="The last day comments are taken, e.g. 2026-12-21",
                             error_messages={"required": "Enter the date it closes",
                                             "invalid": "Enter a real date, like 2026-12-21"})
    moderation = forms.ChoiceField(
        label="How comments are moderated", required=False, widget=forms.RadioSelect,
        choices=[("", "As the local area's rules say")] + list(Moderation.choices),
        help_text="The area's rules pre-moderate young people's comments unless it has "
                  "chosen otherwise.")


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label="Milestone", choices=MilestoneKind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select the milestone"})
    planned_on = forms.DateField(required=False, label="Planned date",
                                 help_text="For example, 2027-04-01",
                                 error_messages={"invalid": "Enter a real date, like 2027-04-01"})
    achieved_on = forms.DateField(required=False, label="Date achieved",
                                  help_text="Leave blank until it has happened",
                                  error_messages={"invalid": "Enter a real date, like 2027-04-01"})
    evidence = forms.CharField(required=False, max_length=250,
                               help_text="What records it: a board decision, a contract "
                                         "reference…")
    note = forms.CharField(required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
