"""The only URL fetcher WeasyPrint gets: the project's bundled assets, nothing else.

Certificate templates refer to assets as ``asset:fonts/DejaVuSerif.ttf``. Any
other scheme (``http``, ``https``, ``file``, ``data``, …) and any path that
leaves the asset folder are refused; nothing is ever fetched over a network,
so there are no redirects to follow.
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

ASSETS = (Path(__file__).resolve().parent / "assets").resolve()


class FetchRefused(ValueError):
    pass


def resolve_asset(url: str) -> Path:
    """The bundled file an ``asset:`` URL names, or ``FetchRefused``."""
    parts = urlsplit(url)
    if parts.scheme != "asset" or parts.netloc:
        raise FetchRefused(f"refused to fetch {url[:100]!r}: only bundled assets")
    path = (ASSETS / unquote(parts.path).lstrip("/")).resolve()
    if not path.is_relative_to(ASSETS) or not path.is_file():
        raise FetchRefused(f"refused to fetch {url[:100]!r}: not a bundled asset")
    return path


@functools.cache
def asset_fetcher():
    """A WeasyPrint ``URLFetcher`` serving only ``resolve_asset`` (one per process)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = resolve_asset(url)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return AssetFetcher(allowed_protocols={"asset"}, allow_redirects=False)
