"""Public pages of a local area: no sign-in, nothing private (see public.py)."""
import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from . import public

FIELDS = {
    "you-said-we-did": public.YOU_SAID_WE_DID_FIELDS,
    "intentions": public.INTENTION_FIELDS,
}
DATASETS = {
    "you-said-we-did": ("You said, we did", public.you_said_we_did_rows),
    "intentions": ("Commissioning intentions and their stage", public.intention_rows),
}


def index(request, area_slug):
    area = public.area_get(area_slug)
    return render(request, "coproduction/public/index.html", {
        "page_title": f"{area.name}: co-production and transparency", "area": area})


def you_said_we_did(request, area_slug):
    area = public.area_get(area_slug)
    return render(request, "coproduction/public/you_said_we_did.html", {
        "page_title": f"{area.name}: you said, we did", "area": area,
        "intentions": public.you_said_we_did(area)})


def transparency(request, area_slug):
    area = public.area_get(area_slug)
    return render(request, "coproduction/public/transparency.html", {
        "page_title": f"{area.name}: transparency", "area": area,
        "intentions": public.public_intentions(area),
        "board_reports": public.published_board_reports(area),
        "pooled_budget": public.pooled_budget_headline(area),
    })


def open_data(request, area_slug):
    area = public.area_get(area_slug)
    links = [{"title": title, "csv": reverse("coproduction:public-download",
                                             args=[area.slug, key, "csv"]),
              "json": reverse("coproduction:public-download", args=[area.slug, key, "json"])}
             for key, (title, _) in DATASETS.items()]
    return render(request, "coproduction/public/open_data.html", {
        "page_title": f"{area.name}: open data", "area": area, "datasets": links,
        "licence": public.LICENCE})


def _csv_safe(value):
    """Stop spreadsheet formula injection (the one guard in portal/spreadsheets.py)."""
    from portal.spreadsheets import safe_cell

    return safe_cell(value)


def download(request, area_slug, dataset, fmt):
    area = public.area_get(area_slug)
    if dataset not in DATASETS or fmt not in ("csv", "json"):
        raise Http404
    title, rows_of = DATASETS[dataset]
    rows = rows_of(area)
    filename = f"{area.slug}-{dataset}.{fmt}"
    if fmt == "json":
        body = json.dumps({"title": f"{area.name}: {title}", "local_area": area.slug,
                           "licence": public.LICENCE, "rows": rows},
                          cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        out = io.StringIO()
        fields = list(rows[0]) if rows else list(FIELDS[dataset])
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_safe(v) for k, v in row.items()})
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{public.LICENCE["url"]}>; rel="license"'
    return response
