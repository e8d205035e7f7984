"""Reading the portal's HTML in tests: one parser, and lookups that fail with the selector.

`select_one` returns `Tag | None`; a test that expects an element uses `one(...)`, which
fails naming the selector instead of an AttributeError on None.
"""

from __future__ import annotations

import httpx
from bs4 import BeautifulSoup, Tag


def soup(response: httpx.Response | str) -> BeautifulSoup:
    text = response if isinstance(response, str) else response.text
    return BeautifulSoup(text, "html.parser")


def one(node: Tag, selector: str) -> Tag:
    """The element `selector` finds under `node`; the test fails when there is none."""
    found = node.select_one(selector)
    assert found is not None, f"no element matches {selector!r}"
    return found


def text(node: Tag, selector: str) -> str:
    """The text of the element `selector` finds, stripped."""
    return one(node, selector).get_text().strip()


def attr(node: Tag, name: str) -> str:
    """A single-valued attribute of `node` (class-like lists are joined with spaces)."""
    value = node.get(name)
    assert value is not None, f"<{node.name}> has no {name!r} attribute"
    return value if isinstance(value, str) else " ".join(value)
