"""The one filter syntax of the CLI (``query --where``) and the HTTP API (``?filter=``).

A filter is ``Attribute:value``, as a record writes its values (``Cell Line: K562``).
The older CLI form ``Attribute=value`` is still read, with a deprecation note:
attribute names hold neither ``:`` nor ``=``, so the first of the two separates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .errors import InputError
from .schema import get_schema

EXAMPLE = "Cell Line:K562"
_SEPARATOR = re.compile(r"[:=]")


def parse_filter(item: str) -> tuple[str, str, bool]:
    """``"Cell Line:K562"`` -> ``("Cell Line", "K562", False)``; the last is True for the
    deprecated ``=`` form. Raises InputError when there is no attribute or no value."""
    found = _SEPARATOR.search(item)
    attr, value = (item[: found.start()], item[found.end():]) if found else (item, "")
    if not found or not attr.strip() or not value.strip():
        raise InputError(f"filter {item!r} is not 'Attribute:value' (e.g. '{EXAMPLE}')")
    return attr.strip(), value.strip(), found.group() == "="


def deprecation_note(item: str) -> str:
    attr, value, _ = parse_filter(item)
    return f"filter {item!r}: the 'Attribute=value' form is deprecated; write '{attr}:{value}'"


def parse_filters(items: Iterable[str], schema: str | None = None, *,
                  on_deprecated: Callable[[str], None] | None = None) -> dict[str, str]:
    """Filters as ``{attribute: value}``.

    With ``schema``, attribute names are matched case-insensitively and returned as
    the set spells them (an unknown one is an InputError). ``on_deprecated`` is
    called with a note for each filter in the old ``=`` form.
    """
    attributes = {a.lower(): a for a in get_schema(schema).attributes} if schema else None
    out: dict[str, str] = {}
    for item in items:
        attr, value, deprecated = parse_filter(item)
        if deprecated and on_deprecated is not None:
            on_deprecated(deprecation_note(item))
        if attributes is not None:
            if attr.lower() not in attributes:
                raise InputError(f"filter {item!r}: {attr!r} is not an attribute of the {get_schema(schema).name} "
                                 f"set ({', '.join(attributes.values())})")
            attr = attributes[attr.lower()]
        out[attr] = value
    return out


__all__ = ["EXAMPLE", "deprecation_note", "parse_filter", "parse_filters"]
