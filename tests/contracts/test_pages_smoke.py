from tests.factories.contracts import add_return, make_kpi


def test_pages_render(signed_in, commissioner, contract):
    kpi = make_kpi(contract)
    add_return(kpi, "2025-26", 1, "91")
    client = signed_in(commissioner)
    for path in ["/contracts/", f"/contracts/{contract.pk}/", "/contracts/ending/",
                 "/contracts/performance/", "/providers/", f"/providers/{contract.provider_id}/",
                 f"/contracts/{contract.pk}/returns/", f"/contracts/{contract.pk}/assessments/new/",
                 "/contracts/new/", f"/contracts/{contract.pk}/edit/",
                 f"/contracts/{contract.pk}/kpis/new/", f"/contracts/{contract.pk}/visits/new/",
                 "/providers/new/", "/contracts/?download=csv", "/contracts/?download=xlsx"]:
        response = client.get(path)
        assert response.status_code == 200, path
