from django import forms

from commissioning.models import Priority

from .models import Observation


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="The long format described below, or an OHID Fingertips "
                                    "data export, saved as CSV UTF-8.",
        error_messages={"required": "Select a CSV file to upload",
                        "empty": "The chosen file is empty"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("The file must be a CSV file")
        return upload


class ObservationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        value = "no figure" if obj.value is None else f"{obj.value.normalize():f}"
        return f"{obj.indicator.name} — {obj.geography.name}, {obj.period}: {value}"


class PriorityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.strategy.title}: {obj.number}. {obj.title}"


class FindingForm(forms.Form):
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text="What the evidence shows, in plain words.",
        error_messages={"required": "Enter what the evidence shows"})
    found_on = forms.DateField(label="Date of the finding", help_text="For example, 2025-11-03",
                               error_messages={"required": "Enter the date of the finding",
                                               "invalid": "Enter a real date, like 2025-11-03"})
    observations = ObservationChoiceField(
        queryset=Observation.objects.none(), required=False, label="Evidence",
        widget=forms.CheckboxSelectMultiple, help_text="The figures that show it.")
    priorities = PriorityChoiceField(
        queryset=Priority.objects.none(), required=False, label="Priorities it supports",
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, observations, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observations"].queryset = observations
        self.fields["priorities"].queryset = priorities


class ComparatorSetForm(forms.Form):
    """What the area compares itself with; geographies by choice, neighbours by their codes."""

    geography = forms.ChoiceField(
        label="The area's own geography", help_text="The geography its own figures are for.",
        error_messages={"required": "Select the area's own geography",
                        "invalid_choice": "Select the area's own geography"})
    england = forms.ChoiceField(label="National comparator", error_messages={
        "required": "Select England", "invalid_choice": "Select England"})
    region = forms.ChoiceField(label="Region", required=False, error_messages={
        "invalid_choice": "Select a region, or none"})
    neighbours = forms.CharField(
        label="Statistical neighbours", required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Their GSS or ODS codes, one per line or separated by commas, for example "
                  "E10000034.")

    def __init__(self, *args, own=(), countries=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)

        def choices(geographies):
            return [(str(g.pk), f"{g.name} ({g.code})") for g in geographies]

        self.fields["geography"].choices = [("", "Choose a geography")] + choices(own)
        self.fields["england"].choices = choices(countries)
        self.fields["region"].choices = [("", "No region")] + choices(regions)

    def clean_neighbours(self):
        raw = self.cleaned_data["neighbours"].replace(",", "\n")
        codes = [c.strip().upper() for c in raw.splitlines() if c.strip()]
        return list(dict.fromkeys(codes))
