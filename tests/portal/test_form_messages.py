"""Every page form speaks GOV.UK: a required field's message says "Enter …" or "Select …"
(never Django's "This field is required."), and a date field says what a real date looks
like. An empty board comment once answered "This field is required." (issue 12)."""
import importlib
import inspect
import pkgutil

from django import forms

APPS = ["agencies", "commissioning", "commissioning.budgets", "commissioning.contracts",
        "commissioning.coproduction", "governance", "needs", "portal"]
DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
DJANGO_DATE = forms.DateField.default_error_messages["invalid"]


def _fields():
    seen = set()
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if info.name.rsplit(".", 1)[-1] != "forms" and ".forms." not in info.name:
                continue
            module = importlib.import_module(info.name)
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__ \
                        or cls in seen:
                    continue
                seen.add(cls)
                for field_name, field in cls.base_fields.items():
                    yield f"{module.__name__}.{name}.{field_name}", field


def test_the_scan_finds_the_forms():
    assert len(list(_fields())) > 100


def test_required_fields_say_enter_or_select():
    wrong = {}
    for where, field in _fields():
        if not field.required or isinstance(field, forms.BooleanField):
            continue
        message = str(field.error_messages.get("required", ""))
        if message == DJANGO_REQUIRED or not message.startswith(("Enter ", "Select ")):
            wrong[where] = message
    assert not wrong, wrong


def test_date_fields_say_what_a_real_date_looks_like():
    wrong = [where for where, field in _fields()
             if isinstance(field, forms.DateField)
             and str(field.error_messages["invalid"]) == str(DJANGO_DATE)]
    assert not wrong, wrong
