"""The documentation stays true to the parameter registry.

Fails when a registered parameter is missing from docs/odd.md, or when a
registry entry lacks a unit, a description or a source ("[S...]" for a
published or derived source, "[A...]" or the word "assumption" otherwise).
"""

import re
from pathlib import Path

import pytest

from sim.params import REGISTRY, markdown_table

ODD = Path(__file__).resolve().parent.parent / "docs" / "odd.md"
SOURCE_MARKERS = ("[S", "[A", "assumption")


@pytest.fixture(scope="module")
def odd_text() -> str:
    assert ODD.is_file(), f"{ODD} is missing"
    return ODD.read_text(encoding="utf-8")


def test_every_parameter_is_documented_in_odd(odd_text):
    missing = [name for name in REGISTRY
               if not re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", odd_text)]
    assert not missing, (
        f"parameters missing from {ODD.name}: {missing}; regenerate the parameter table with "
        "`python -c \"from sim.params import markdown_table; print(markdown_table())\"`"
    )


@pytest.mark.parametrize("field", ["unit", "description", "source"])
def test_every_parameter_has_provenance_fields(field):
    empty = [name for name, p in REGISTRY.items() if not str(getattr(p, field)).strip()]
    assert not empty, f"parameters without a {field}: {empty}"


def test_every_source_is_marked_published_or_assumption():
    unmarked = [f"{name}: {p.source!r}" for name, p in REGISTRY.items()
                if not any(m in p.source for m in SOURCE_MARKERS)]
    assert not unmarked, (
        "sources must contain '[S', '[A' or 'assumption': " + "; ".join(unmarked))


def test_every_numeric_parameter_has_a_range_holding_its_default():
    bad = [name for name, p in REGISTRY.items() if not isinstance(p.default, bool)
           and (p.low is None or p.high is None or not p.low <= p.default <= p.high)]
    assert not bad, f"numeric parameters without a range that holds the default: {bad}"


def test_markdown_table_lists_every_parameter_once():
    table = markdown_table()
    for name in REGISTRY:
        assert table.count(f"| `{name}` |") == 1, name
