"""Static files and compression for a phone on a slow network (issue 17)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import httpx
import pytest

from portal.settings import Settings
from portal.web.core.assets import IMMUTABLE, build_assets, tree_digest
from portal.web.core.middleware import CONTENT_SECURITY_POLICY
from portal.web.core.templating import STATIC_DIR
from tests.conftest import SettingsFactory
from tests.support.html import soup

HASHED = re.compile(r"^/static/(?P<stem>.+)\.[0-9a-f]{12}(?P<ext>\.\w+)$")


@pytest.fixture
def settings(make_settings: SettingsFactory, sqlite_url: str) -> Settings:
    return make_settings(sqlite_url)


def page_assets(html: str) -> list[str]:
    page = soup(html)
    links = [str(tag["href"]) for tag in page.select("link[href^='/static/']")]
    return links + [str(tag["src"]) for tag in page.select("script[src]")]


async def raw_get(client: httpx.AsyncClient, path: str, encoding: str) -> httpx.Response:
    """The bytes as sent (httpx would decode them), with only `encoding` accepted."""
    request = client.build_request("GET", path, headers={"Accept-Encoding": encoding})
    response = await client.send(request, stream=True)
    body = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    response._content = body
    return response


async def test_pages_link_hashed_files_that_exist(client: httpx.AsyncClient) -> None:
    urls = page_assets((await client.get("/")).text)
    assert any("htmx.min." in u for u in urls) and any("portal." in u for u in urls)
    for url in urls:
        match = HASHED.match(url)
        assert match, url
        original = STATIC_DIR / f"{match['stem']}{match['ext']}"
        response = await raw_get(client, url, "identity")
        assert response.status_code == 200
        assert response.content == original.read_bytes()


async def test_hashed_files_are_cached_for_a_year(client: httpx.AsyncClient) -> None:
    for url in page_assets((await client.get("/")).text):
        response = await client.get(url)
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "Access-Control-Allow-Origin" not in response.headers


async def test_original_names_still_answer_and_revalidate(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/js/portal.js")
    assert response.status_code == 200
    assert response.content == (STATIC_DIR / "js/portal.js").read_bytes()
    assert response.headers["Cache-Control"] == "max-age=60, public"
    again = await client.get(
        "/static/js/portal.js", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("accept", "used", "decode"),
    [
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("identity", None, bytes),
    ],
)
async def test_the_variant_the_browser_accepts(
    client: httpx.AsyncClient, accept: str, used: str | None, decode: object
) -> None:
    url = next(u for u in page_assets((await client.get("/")).text) if "htmx.min." in u)
    response = await raw_get(client, url, accept)
    assert response.headers.get("Content-Encoding") == used
    assert "Accept-Encoding" in response.headers["Vary"]
    assert callable(decode)
    original = (STATIC_DIR / "vendor/htmx-2.0.11/htmx.min.js").read_bytes()
    assert decode(response.content) == original
    if used:
        assert len(response.content) < len(original) / 3


async def test_missing_static_file_is_a_404_page(client: httpx.AsyncClient) -> None:
    for path in [
        "/static/nope.js",
        "/static/js/portal.000000000000.js",
        "/static/../pyproject.toml",
    ]:
        response = await client.get(path)
        assert response.status_code == 404, path


async def test_html_is_gzipped(client: httpx.AsyncClient) -> None:
    page = await raw_get(client, "/", "gzip, br")
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    html = gzip.decompress(page.content).decode()
    assert "</html>" in html
    plain = await raw_get(client, "/", "identity")
    assert "Content-Encoding" not in plain.headers
    assert len(page.content) < len(plain.content) * 0.6


async def test_each_page_masks_the_csrf_token_afresh(client: httpx.AsyncClient) -> None:
    """Compressed pages must not carry the same secret twice (BREACH)."""
    first = soup((await client.get("/")).text).select_one("input[name=csrf_token]")
    second = soup((await client.get("/")).text).select_one("input[name=csrf_token]")
    assert first is not None and second is not None
    assert first["value"] != second["value"]
    for token in (first["value"], second["value"]):
        response = await client.post("/language", data={"language": "en", "csrf_token": token})
        assert response.status_code == 303
    tampered = str(first["value"])[:-2] + ("AA" if not str(first["value"]).endswith("AA") else "BB")
    response = await client.post("/language", data={"language": "en", "csrf_token": tampered})
    assert response.status_code == 403


def test_build_is_reused_and_follows_the_files(tmp_path: Path) -> None:
    source = tmp_path / "static"
    (source / "js").mkdir(parents=True)
    (source / "js" / "a.js").write_text("console.log('a');" * 50)
    first = build_assets(source, tmp_path / "cache")
    assert build_assets(source, tmp_path / "cache") == first  # same files: same build
    assert (first.root / (first.hashed["js/a.js"] + ".br")).is_file()
    assert (first.root / (first.hashed["js/a.js"] + ".gz")).is_file()
    (source / "js" / "a.js").write_text("console.log('b');" * 50)
    second = build_assets(source, tmp_path / "cache")
    assert second.url("js/a.js") != first.url("js/a.js")
    assert second.root.name == tree_digest(source)
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".build-")]
