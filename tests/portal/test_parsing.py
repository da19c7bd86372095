"""The shared parsing of untrusted numbers and JSON (issue 14)."""
import json

import pytest

from portal import parsing
from portal.errors import ApplicationError


@pytest.mark.parametrize("text, expected", [("", None), (None, None), (" 42 ", 42),
                                            (str(parsing.DB_INT_MAX), parsing.DB_INT_MAX)])
def test_parse_id_accepts_empty_and_database_sized_ids(text, expected):
    assert parsing.parse_id(text, "intention") == expected


@pytest.mark.parametrize("text", ["99999999999999999999", str(10**30), "0", "-1", "1.5", "abc",
                                  "١٢", str(parsing.DB_INT_MAX + 1)])
def test_parse_id_refuses_what_no_row_can_have(text):
    with pytest.raises(ApplicationError) as caught:
        parsing.parse_id(text, "intention")
    assert caught.value.status == 400
    assert caught.value.errors == {"intention": [caught.value.errors["intention"][0]]}


def test_out_of_range_number_only_flags_whole_numbers_beyond_the_database():
    assert parsing.out_of_range_number("99999999999999999999")
    assert parsing.out_of_range_number("-99999999999999999999")
    assert not parsing.out_of_range_number(str(parsing.DB_INT_MAX))
    assert not parsing.out_of_range_number("E10000034")
    assert not parsing.out_of_range_number("1E+15")


def test_loads_limits_depth_and_integers_but_reads_normal_json():
    assert parsing.loads('{"a": [1, {"b": 2.5}], "c": null}') == {"a": [1, {"b": 2.5}], "c": None}
    with pytest.raises(parsing.JSONTooDeep):
        parsing.loads("[" * 5000 + "]" * 5000)
    with pytest.raises(parsing.JSONTooDeep):
        parsing.loads("[" * 40 + "]" * 40)
    parsing.loads("[" * parsing.JSON_MAX_DEPTH + "]" * parsing.JSON_MAX_DEPTH)
    with pytest.raises(parsing.JSONNumberTooLarge):
        parsing.loads(json.dumps({"id": 10**30}))
    with pytest.raises(ValueError):
        parsing.loads('{"amount": NaN}')
