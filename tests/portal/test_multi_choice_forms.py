"""Every multi-choice field of every page form renders as checkboxes, and every form that
has one is covered by a page test that posts several values and checks they are all saved.

Django's CheckboxSelectMultiple is a subclass of RadioSelect; the widget chooser once tested
RadioSelect first, so multi-choice fields rendered as radios and saving an intention kept
one partner and one priority (issue 12). A new form with a multi-choice field fails here
until it has its own test in COVERED."""
import importlib
import inspect
import pkgutil

from django import forms

from portal.templatetags.portal_tags import widget_kind

APPS = ["agencies", "commissioning", "commissioning.budgets", "commissioning.contracts",
        "commissioning.coproduction", "governance", "needs", "portal"]

# ModelMultipleChoiceField is not a MultipleChoiceField (it extends ModelChoiceField).
MULTI = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)

COVERED = {
    "commissioning.forms.IntentionForm": [
        "tests.commissioning.test_multi_choice::test_intention_edit_keeps_every_partner_and_priority",
        "tests.commissioning.test_multi_choice::test_intention_create_keeps_every_partner_and_priority",
        "tests.commissioning.test_joint_leads::test_create_page_keeps_every_lead_and_partner",
        "tests.commissioning.test_joint_leads::test_saving_unchanged_keeps_every_lead_and_partner",
    ],
    "commissioning.forms.DisagreementForm": [
        "tests.commissioning.test_multi_choice::test_disagreement_keeps_every_party"],
    "governance.forms.AttendanceForm": [
        "tests.governance.test_multi_choice::test_attendance_keeps_every_person_present"],
    "governance.forms.BoardForm": [
        "tests.governance.test_setup_pages::"
        "test_administrator_sets_up_a_board_with_every_field"],
    "needs.forms.FindingForm": [
        "tests.needs.test_multi_choice::test_finding_keeps_every_observation_and_priority"],
    "commissioning.coproduction.forms.ConsultationForm": [
        "tests.coproduction.test_multi_choice::test_consultation_keeps_every_audience"],
    "commissioning.budgets.forms.AgreementForm": [
        "tests.budgets.test_multi_choice::test_agreement_keeps_every_party"],
    "commissioning.contracts.forms.ContractForm": [
        "tests.contracts.test_multi_choice::test_contract_keeps_every_commissioning_agency"],
}


def _form_modules():
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if info.name.rsplit(".", 1)[-1] == "forms" or ".forms." in info.name:
                yield importlib.import_module(info.name)


def _multi_choice_forms():
    found = {}
    for module in _form_modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            multi = {field_name: field for field_name, field in cls.base_fields.items()
                     if isinstance(field, MULTI)}
            if multi:
                found[f"{module.__name__}.{name}"] = multi
    return found


def test_every_multi_choice_field_renders_as_checkboxes():
    found = _multi_choice_forms()
    assert found, "no multi-choice forms found: the scan is broken"
    for form_name, fields in found.items():
        for field_name, field in fields.items():
            widget_field = type("F", (forms.Form,), {field_name: field})()[field_name]
            assert widget_kind(widget_field) == "checkboxes", f"{form_name}.{field_name}"


def test_every_form_with_a_multi_choice_field_has_a_page_test_that_keeps_every_value():
    found = _multi_choice_forms()
    assert set(found) == set(COVERED), (
        "forms with multi-choice fields and their tests differ: add a page test that posts "
        "several values and checks they are all saved, and list it in COVERED")
    for tests in COVERED.values():
        for test in tests:
            module, function = test.split("::")
            assert callable(getattr(importlib.import_module(module), function)), test


def test_checkbox_select_multiple_is_checkboxes_even_though_it_is_a_radio_select():
    assert issubclass(forms.CheckboxSelectMultiple, forms.RadioSelect)
    field = type("F", (forms.Form,), {
        "many": forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")],
                                          widget=forms.CheckboxSelectMultiple),
        "one": forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect),
        "list": forms.MultipleChoiceField(choices=[("a", "A")])})()
    assert widget_kind(field["many"]) == "checkboxes"
    assert widget_kind(field["one"]) == "radios"
    assert widget_kind(field["list"]) == "checkboxes"
