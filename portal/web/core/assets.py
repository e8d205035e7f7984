"""Static files for a phone on a slow network: content-hashed names, cached for a year, and
gzip and brotli variants made once, all by servestatic (the maintained successor of WhiteNoise).

At start-up `build_assets` runs servestatic's build (copy, hash, manifest, compress) on
`static/` into a folder named by the tree's own digest, so every instance and worker of a
release serves the same names, and a restart with unchanged files reuses the build.
Templates ask `static("css/portal.css")` for the hashed URL; the original names still answer,
revalidated after a minute, for anything that kept an old link.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from wsgiref.headers import Headers

from servestatic import ServeStaticASGI
from servestatic.cli import main as servestatic_build

PREFIX = "/static/"
MANIFEST = "staticfiles.json"
# A hashed name never changes content, so browsers need not ask again for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
ORIGINAL_MAX_AGE = 60

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Assets:
    root: Path
    hashed: Mapping[str, str]  # "css/portal.css" -> "css/portal.0123456789ab.css"

    def url(self, path: str) -> str:
        """The hashed URL of a file under static/; a name that is not there is a bug."""
        return PREFIX + self.hashed[path]

    @cached_property
    def hashed_names(self) -> frozenset[str]:
        return frozenset(name for original, name in self.hashed.items() if name != original)


def tree_digest(source: Path) -> str:
    """A digest of every file's path and bytes: the build's name."""
    digest = hashlib.sha256()
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    """The user's cache folder, which tmp cleaners leave alone while the portal runs."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "portal" / "static"


def build_assets(source: Path, cache_dir: Path | None = None) -> Assets:
    """The built tree for `source`, made once per content and reused after that."""
    parent = cache_dir or default_cache_dir()
    target = parent / tree_digest(source)
    if not (target / MANIFEST).is_file():
        parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".build-", dir=parent))
        try:
            status = servestatic_build(
                [str(source), str(work), "--all", "--copy-original", "--no-zstd", "--quiet"]
            )
            if status:
                raise RuntimeError(f"building static files from {source} failed ({status})")
            try:
                os.rename(work, target)  # atomic: a racing instance either wins or finds ours
            except OSError:
                if not (target / MANIFEST).is_file():
                    raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        log.info("static files built into %s", target)
    paths = json.loads((target / MANIFEST).read_text(encoding="utf-8"))["paths"]
    return Assets(target, paths)


def static_app(assets: Assets) -> ServeStaticASGI:
    """The ASGI app for `/static/`: the best variant the browser accepts, with its caching."""
    hashed = assets.hashed_names

    def cache_headers(headers: Headers, path: str, url: str) -> None:
        headers["X-Content-Type-Options"] = "nosniff"
        if url[len(PREFIX) :] in hashed:
            headers["Cache-Control"] = IMMUTABLE

    return ServeStaticASGI(
        None,
        root=assets.root,
        prefix=PREFIX,
        max_age=ORIGINAL_MAX_AGE,
        allow_all_origins=False,
        add_headers_function=cache_headers,
        immutable_file_test=lambda path, url: False,  # ours: exactly the manifest's names
    )
