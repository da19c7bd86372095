"""Forms of the co-production pages (GOV.UK markup via components/form_fields.html)."""
from django import forms

from .models import Audience, DocumentKind, MilestoneKind, Moderation, Outcome, QuestionKind

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


# --- questions, answers, documents, follows (issue 16) ---------------------------------
class QuestionForm(forms.Form):
    text = forms.CharField(label="Question", max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "Enter the question"})
    kind = forms.ChoiceField(label="How people answer", widget=forms.RadioSelect,
                             choices=[(k.value, k.label) for k in QuestionKind],
                             error_messages={"required": "Select how people answer"})
    options = forms.CharField(
        label="Options, one per line", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only for “Choose one” and “Choose several”.")
    hint = forms.CharField(required=False, max_length=500, label="Hint")
    required = forms.BooleanField(required=False, label="People must answer it")


class WeDidForm(forms.Form):
    we_did = forms.CharField(label="What we did", max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "Enter what was done"})


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Your e-mail address", max_length=254,
        help_text="We send you a link to confirm it. We use it only to tell you about this "
                  "consultation and so you can withdraw your answers; it is never shown.",
        error_messages={"required": "Enter your e-mail address",
                        "invalid": "Enter an e-mail address in the correct format, like "
                                   "name@example.com"})
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by bots.
    website = forms.CharField(required=False, label="Leave this empty",
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the title"})
    kind = forms.ChoiceField(label="What it is", widget=forms.RadioSelect,
                             choices=DocumentKind.choices,
                             error_messages={"required": "Select what the document is"})
    file = forms.FileField(label="File (PDF or DOCX)",
                           error_messages={"required": "Select a PDF or DOCX file"})
    summary = forms.CharField(required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))


def answer_field(question):
    """The form field that asks one question."""
    required = question.required
    common = {"label": question.text, "required": required, "help_text": question.hint}
    if question.kind == QuestionKind.ONE:
        return forms.ChoiceField(choices=[(o, o) for o in question.options],
                                 widget=forms.RadioSelect,
                                 error_messages={"required": "Select an answer"}, **common)
    if question.kind == QuestionKind.MANY:
        return forms.MultipleChoiceField(choices=[(o, o) for o in question.options],
                                         widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": "Select at least one "
                                                                     "answer"}, **common)
    if question.kind == QuestionKind.SCALE:
        common["help_text"] = question.hint or "1 is the lowest, 5 the highest."
        return forms.TypedChoiceField(choices=[(str(n), str(n)) for n in range(1, 6)],
                                      coerce=int, widget=forms.RadioSelect, empty_value=None,
                                      error_messages={"required": "Select a number from 1 "
                                                                  "to 5"}, **common)
    return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Enter your answer",
                                           "max_length": "Your answer must be 5,000 "
                                                         "characters or fewer"}, **common)


def answer_initial(answer):
    if answer is None:
        return None
    if answer.question.kind == QuestionKind.MANY:
        return answer.choices
    if answer.question.kind == QuestionKind.ONE:
        return answer.choices[0] if answer.choices else None
    if answer.question.kind == QuestionKind.SCALE:
        return str(answer.scale) if answer.scale else None
    return answer.text


class AnswersForm(forms.Form):
    """Every question of a consultation on one page (signed-in people)."""

    confirm_personal_data = forms.BooleanField(
        required=False, widget=forms.HiddenInput,
        label="I have checked my answers and want to send them as they are")

    def __init__(self, *args, questions=(), answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        confirm = self.fields.pop("confirm_personal_data")
        for question in questions:
            self.fields[f"q{question.pk}"] = answer_field(question)
            self.initial.setdefault(f"q{question.pk}", answer_initial(answers.get(question.pk)))
        self.fields["confirm_personal_data"] = confirm
        self.questions = list(questions)

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class OneAnswerForm(forms.Form):
    """One question, on its own page (the public's question-by-question journey)."""

    def __init__(self, *args, question, answer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"] = answer_field(question)
        self.initial["answer"] = answer_initial(answer)


class SendAnswersForm(forms.Form):
    show_publicly = forms.BooleanField(
        required=False, label="You may show my written answers on the public pages",
        help_text="Without your name or e-mail address.")
    confirm_personal_data = forms.BooleanField(
        required=False, widget=forms.HiddenInput,
        label="I have checked my answers and want to send them as they are")
