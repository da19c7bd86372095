from django import forms


class WorkEmailForm(forms.Form):
    email = forms.EmailField(
        label="Your work e-mail address",
        help_text="We send you to your organisation to sign in, for example "
                  "name@derbyshire.gov.uk or name@nhs.net.",
        error_messages={"required": "Enter your work e-mail address",
                        "invalid": "Enter an e-mail address in the correct format, "
                                   "like name@example.gov.uk"})
