"""Spend lines pass the same checks imported or entered one at a time (issue 14 #4, issue 12):
amounts the money field holds, dates in a sane range, no NUL bytes, contract references
from the area's register. A refused file saves nothing and the spend pages keep working."""
import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.budgets import services
from commissioning.budgets.models import ImportBatch, Spend
from commissioning.budgets.services.spend import SpendImportError
from portal.errors import ApplicationError
from tests.factories.contracts import make_contract

pytestmark = pytest.mark.django_db
HEADER = "schedule,date,amount,description,source,contract\n"
BASE = "/api/v1/pooled-budgets/"


def upload(text, name="spend.csv"):
    data = text if isinstance(text, bytes) else text.encode()
    return SimpleUploadedFile(name, data, content_type="text/csv")


def import_errors(s75, text):
    before = (Spend.objects.count(), ImportBatch.objects.count())
    with pytest.raises(SpendImportError) as caught:
        services.spend_import(actor=None, agreement=s75["agreement"],
                              content=text if isinstance(text, bytes) else text.encode())
    assert (Spend.objects.count(), ImportBatch.objects.count()) == before
    return caught.value.errors


@pytest.mark.parametrize(("cells", "field", "fragment"), [
    ("S1,2025-08-01,1E+15,Huge,,", "amount", "too large"),
    ("S1,2025-08-01,100000000000000000000,Huge,,", "amount", "too large"),
    ("S1,2025-08-01,1000000000000.00,Just over,,", "amount", "too large"),
    ("S1,2025-08-01,1_000,Underscores,,", "amount", "not an amount"),
    ("S1,2025-08-01,١٠٠,Arabic digits,,", "amount", "not an amount"),
    ("S1,2025-08-01,Infinity,Infinite,,", "amount", "not an amount"),
    ("S1,1899-12-31,10.00,Too old,,", "date", "must be between"),
    ("S1,9999-12-31,10.00,Too far ahead,,", "date", "must be between"),
    ("S1,2025-08-01,10.00,Bell\x07here,,", "description", "control characters"),
    ("S1,2025-08-01,10.00,Placement,,NO-SUCH-CONTRACT", "contract", "contract register"),
])
def test_import_refuses_what_single_entry_refuses(s75, cells, field, fragment):
    errors = import_errors(s75, HEADER + "S1,2025-08-01,5.00,A good line,,\n" + cells + "\n")
    assert [(e["line"], e["field"]) for e in errors] == [(3, field)]
    assert fragment in errors[0]["message"]


def test_nul_bytes_are_a_line_error(s75):
    errors = import_errors(s75, (HEADER + "S1,2025-08-01,10.00,Nul\x00byte,,\n").encode())
    assert errors[0]["line"] == 2 and "NUL" in errors[0]["message"]


def test_largest_amount_the_field_holds_is_accepted(s75):
    result = services.spend_import(actor=None, agreement=s75["agreement"], content=(
        HEADER + "S1,2025-08-01,999999999999.99,Largest,,\n").encode())
    assert Spend.objects.get(batch=result.batch).amount == Decimal("999999999999.99")


def test_contract_reference_is_checked_against_the_register(s75, area, council, other_area):
    from tests.factories.agencies import AgencyFactory

    make_contract(area, council, reference="TST-SB-2024")
    make_contract(other_area, AgencyFactory(local_area=other_area), reference="OTH-1")
    errors = import_errors(s75, HEADER + "S1,2025-08-01,10.00,Elsewhere,,OTH-1\n")
    assert errors[0]["field"] == "contract"
    result = services.spend_import(actor=None, agreement=s75["agreement"], content=(
        HEADER + "S1,2025-08-01,10.00,Short breaks,,tst-sb-2024\n").encode())
    assert Spend.objects.get(batch=result.batch).contract_reference == "TST-SB-2024"


@pytest.mark.parametrize(("fields", "field"), [
    ({"amount": Decimal("1E+15")}, "amount"),
    ({"amount": "100000000000000000000"}, "amount"),
    ({"date": date(1900, 1, 1)}, "date"),
    ({"date": date.today() + timedelta(days=400)}, "date"),
    ({"description": "Nul\x00byte"}, "description"),
    ({"contract_reference": "DER-C-0042"}, "contract_reference"),
])
def test_single_entry_service_refuses_the_same(s75, fields, field):
    values = {"date": date(2025, 8, 1), "amount": "10.00", "description": "One line",
              **fields}
    with pytest.raises(ApplicationError) as caught:
        services.spend_create(actor=None, schedule=s75["s1"], **values)
    assert field in caught.value.errors


def test_api_import_refuses_huge_amounts_and_the_lists_keep_working(api, s75, finance, viewer):
    pk = s75["agreement"].pk
    client = api.as_user(finance)
    response = client.post(f"{BASE}{pk}/spend/import/", {"file": upload(
        HEADER + "S1,2025-08-01,1E+15,Huge,,\nS1,2025-08-02,100000000000000000000,Huger,,\n")},
        format="multipart")
    assert response.status_code == 400
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [
        (2, "amount"), (3, "amount")]
    assert not Spend.objects.filter(description__startswith="Huge").exists()
    assert api.as_user(viewer).get(f"{BASE}{pk}/spend/").status_code == 200


def test_page_refuses_huge_amounts_and_the_spend_page_keeps_working(signed_in, finance, s75):
    client = signed_in(finance)
    pk = s75["agreement"].pk
    response = client.post(f"/pooled-budgets/{pk}/spend/import/", {"file": upload(
        HEADER + "S1,2025-08-01,1E+15,Huge,,\n")})
    assert response.status_code == 400
    assert "Line 2, amount" in response.content.decode()
    assert client.get(f"/pooled-budgets/{pk}/spend/").status_code == 200


def test_the_pages_own_example_imports(signed_in, finance, s75, area, council):
    make_contract(area, council, reference="TST-SB-2024")
    client = signed_in(finance)
    url = f"/pooled-budgets/{s75['agreement'].pk}/spend/import/"
    page = client.get(url).content.decode()
    assert "Whose money paid for the line" in page  # the hint says what "source" means
    example = html.unescape(re.search(r"<pre[^>]*><code>(.*?)</code></pre>", page,
                                      re.S).group(1))
    assert "TST-SB-2024" in example and "DER-C-0042" not in example
    preview = client.post(url, {"file": upload(example + "\n")})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    assert "ready to import" in preview.content.decode()
