"""The shared pagination (components/pagination.html) shows a window of page numbers, not
every page: its cost and its length do not grow with the number of pages."""
import re
import time

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from portal.templatetags.portal_ui import page_window


@pytest.mark.parametrize(("number", "last", "expected"), [
    (1, 1, [1]),
    (1, 2, [1, 2]),
    (1, 7, [1, 2, 3, None, 7]),
    (4, 7, [1, 2, 3, 4, 5, 6, 7]),
    (5, 10, [1, 2, 3, 4, 5, 6, 7, None, 10]),  # page 2 shown rather than an ellipsis for one
    (6, 10, [1, None, 4, 5, 6, 7, 8, 9, 10]),
    (2000, 4000, [1, None, 1998, 1999, 2000, 2001, 2002, None, 4000]),
    (4000, 4000, [1, None, 3998, 3999, 4000]),
])
def test_page_window(number, last, expected):
    assert page_window(number, last) == expected


def _render(page_number, pages, per_page=25):
    page = Paginator(range(pages * per_page), per_page).get_page(page_number)
    request = RequestFactory().get("/intentions/", {"status": "active", "page": page_number})
    return render_to_string("components/pagination.html", {"page_obj": page}, request=request)


def test_four_thousand_pages_show_nine_items_at_most():
    html = _render(2000, 4000)
    pages = re.findall(r'aria-label="Page (\d+)"', html)
    assert pages == ["1", "1998", "1999", "2000", "2001", "2002", "4000"]
    assert html.count("govuk-pagination__item--ellipses") == 2
    assert html.count("<li") <= 9
    # previous and next keep the other query parameters
    assert 'href="?status=active&amp;page=1999" rel="prev"' in html
    assert 'href="?status=active&amp;page=2001" rel="next"' in html
    assert 'aria-current="page">2000<' in html
    assert "Showing 49976 to 50000 of 100000" in html


def test_render_time_does_not_grow_with_pages():
    def cost(pages):
        _render(2, pages)
        started = time.perf_counter()
        for _ in range(20):
            _render(2, pages)
        return time.perf_counter() - started

    # 40,000 pages used to take ~100x as long as 40 (a loop over every number); now alike.
    assert cost(40_000) < cost(40) * 3 + 0.05


def test_single_page_shows_no_pagination():
    assert "govuk-pagination" not in _render(1, 1)
