"""The one filter syntax (geoscribe.filters) of `query --where` and `GET /samples?filter=`."""

from __future__ import annotations

import pytest

from geoscribe.errors import InputError
from geoscribe.filters import parse_filter, parse_filters


@pytest.mark.parametrize("item, expected", [
    ("Cell Line:K562", ("Cell Line", "K562", False)),
    (" factor : CTCF ", ("factor", "CTCF", False)),
    ("Cell Line=K562", ("Cell Line", "K562", True)),
    ("Factor:a=b", ("Factor", "a=b", False)),  # the first separator decides
    ("Factor=CL:0000182", ("Factor", "CL:0000182", True)),
])
def test_parse_filter(item, expected):
    assert parse_filter(item) == expected


@pytest.mark.parametrize("item", ["Colour", "Cell Line:", ":K562", ""])
def test_parse_filter_rejects(item):
    with pytest.raises(InputError, match="is not 'Attribute:value'"):
        parse_filter(item)


def test_parse_filters_with_a_schema_spells_attributes_as_the_set_does():
    notes = []
    assert parse_filters(["cell line:K562", "FACTOR=CTCF"], "cistrome", on_deprecated=notes.append) == {
        "Cell Line": "K562", "Factor": "CTCF"}
    assert notes == ["filter 'FACTOR=CTCF': the 'Attribute=value' form is deprecated; write 'FACTOR:CTCF'"]
    with pytest.raises(InputError, match="'Colour' is not an attribute of the cistrome set"):
        parse_filters(["Colour:red"], "cistrome")
