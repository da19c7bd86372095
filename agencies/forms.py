from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import AgencyKind
from .roles import Role


class SignInForm(AuthenticationForm):
    username = forms.CharField(label="Username or e-mail address", max_length=254,
                               error_messages={"required": "Enter your username or e-mail address"})
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput,
                               error_messages={"required": "Enter your password"})
    error_messages = {
        "invalid_login": "Enter a correct username or e-mail address and password.",
        "inactive": "This account is inactive.",
    }


class AgencyForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the agency's name"})
    short_name = forms.CharField(max_length=40, required=False)
    kind = forms.ChoiceField(label="Kind of agency", choices=AgencyKind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select the kind of agency"})
    code = forms.CharField(max_length=12, required=False, label="Official code",
                           help_text="ONS GSS code for a council (E10000034), "
                                     "ODS code for an NHS body (QGH).")
    is_host = forms.BooleanField(required=False, label="Hosts the area's pooled funds")
    website = forms.URLField(required=False, assume_scheme="https")


class SuccessionForm(forms.Form):
    successor = forms.ModelChoiceField(
        queryset=None, empty_label="Choose the agency that replaces it",
        label="Replaced by", error_messages={"required": "Select the agency that replaces it"})
    date = forms.DateField(label="From", help_text="The day it took over, for example 2022-07-01",
                           error_messages={"required": "Enter the date it took over",
                                           "invalid": "Enter a real date, like 2022-07-01"})
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           help_text="For example, the Health and Care Act 2022 abolished CCGs.")

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = agencies


class PersonForm(forms.Form):
    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter a first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter a last name"})
    # What the hint says (the demo's usernames are like helen.marsh): a SlugField refused
    # every dot, so no such person could be added through this page.
    username = forms.RegexField(
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=150,
        help_text="Letters, digits, dots or hyphens.",
        error_messages={"required": "Enter a username",
                        "invalid": "Enter a username of letters, digits, dots or hyphens"})
    email = forms.EmailField(label="E-mail address",
                             error_messages={"required": "Enter an e-mail address",
                                             "invalid": "Enter an e-mail address like "
                                                        "name@example.org"})
    job_title = forms.CharField(max_length=120, required=False)


class MembershipForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=None, empty_label="Choose an agency",
                                    error_messages={"required": "Select an agency"})
    role = forms.ChoiceField(choices=Role.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select a role"})
    delegated_limit = forms.DecimalField(
        label="Delegated financial limit (£)", required=False, min_value=Decimal("0"),
        max_digits=14, decimal_places=2,
        help_text="Approvers only: the largest annual value they may approve.",
        error_messages={"invalid": "Enter the limit as an amount, like 250000 or 250000.00",
                        "min_value": "The limit cannot be negative"})
    starts = forms.DateField(required=False, help_text="For example, 2026-04-01",
                             error_messages={"invalid": "Enter a real date, like 2026-04-01"})
    ends = forms.DateField(required=False, help_text="Leave blank if open-ended",
                           error_messages={"invalid": "Enter a real date, like 2027-03-31"})

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", "The end date must be on or after the start date")
        if data.get("role") != Role.APPROVER and data.get("delegated_limit"):
            self.add_error("delegated_limit", "Only approvers carry a delegated limit")
        return data


class StagesForm(forms.Form):
    stages = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label="Stage names, one per line, in order",
        help_text="For example: Evaluate, Design, Source, Review.",
        error_messages={"required": "Enter the stage names"})

    def stage_list(self):
        return [line.strip() for line in self.cleaned_data["stages"].splitlines() if line.strip()]


class TokenForm(forms.Form):
    otp_token = forms.CharField(label="Code from your authenticator app", max_length=8,
                                error_messages={"required": "Enter the 6-digit code"},
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric",
                                                              "class": "govuk-input--width-5"}))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="What is the token for?", max_length=100,
                           help_text="For example, the monthly finance export.",
                           error_messages={"required": "Enter what the token is for"})


class LocalAreaForm(forms.Form):
    """A new local area, its first agency and its first administrator (platform admins)."""

    name = forms.CharField(label="Name of the local area", max_length=200,
                           help_text="For example, Newshire.",
                           error_messages={"required": "Enter the local area's name"})
    slug = forms.SlugField(label="Short name for addresses", max_length=60,
                           help_text="Lower-case letters, digits and hyphens, for example "
                                     "newshire.",
                           error_messages={"required": "Enter a short name for addresses",
                                           "invalid": "Enter lower-case letters, digits and "
                                                      "hyphens only"})
    reference_prefix = forms.RegexField(
        label="Prefix of intention references", regex=r"^[A-Z]{2,6}$", max_length=6,
        help_text="2 to 6 capital letters, for example NEW.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the prefix of intention references",
                        "invalid": "Enter 2 to 6 capital letters, like NEW"})
    description = forms.CharField(label="Description", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    agency_name = forms.CharField(
        label="Its first agency", max_length=200,
        help_text="The agency the first administrator works for, for example Newshire "
                  "County Council. It hosts the area's pooled funds until changed.",
        error_messages={"required": "Enter the name of the first agency"})
    agency_short_name = forms.CharField(label="The agency's short name", max_length=40,
                                        required=False)
    agency_kind = forms.ChoiceField(label="Kind of agency", choices=AgencyKind.choices,
                                    widget=forms.RadioSelect,
                                    error_messages={"required": "Select the kind of agency"})
    agency_code = forms.CharField(max_length=12, required=False, label="The agency's code",
                                  help_text="ONS GSS code for a council (E10000034), "
                                            "ODS code for an NHS body (QGH).")
    admin_first_name = forms.CharField(
        label="First administrator's first name", max_length=150,
        error_messages={"required": "Enter the first administrator's first name"})
    admin_last_name = forms.CharField(
        label="First administrator's last name", max_length=150,
        error_messages={"required": "Enter the first administrator's last name"})
    admin_email = forms.EmailField(
        label="First administrator's e-mail address",
        help_text="We e-mail them a link to choose a password and set up two-factor sign-in.",
        error_messages={"required": "Enter the first administrator's e-mail address",
                        "invalid": "Enter an e-mail address like name@example.org"})


class InvitationForm(forms.Form):
    """The invited person chooses a password (checked by the site's password rules)."""

    password1 = forms.CharField(
        label="Choose a password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not all digits, not a common password.",
        error_messages={"required": "Enter a password"})
    password2 = forms.CharField(
        label="Enter the password again", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"})

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and \
                data["password1"] != data["password2"]:
            self.add_error("password2", "The passwords do not match")
        return data
