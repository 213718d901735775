import pytest

from certificates.fetcher import FetchRefused, asset_fetcher, resolve_asset


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/logo.png",
        "http://127.0.0.1:6379/",
        "data:text/css,body{}",
        "asset:../../../etc/passwd",
        "asset:%2e%2e/%2e%2e/settings.py",
        "asset://evil.example/logo.svg",
        "asset:missing.png",
    ],
)
def test_everything_but_a_bundled_asset_is_refused(url):
    with pytest.raises(FetchRefused):
        resolve_asset(url)
    with pytest.raises(FetchRefused):
        asset_fetcher()(url)


def test_a_redirect_cannot_happen_because_nothing_is_fetched_over_a_network():
    # A server answering 302 would need a network fetch first; http is refused outright.
    with pytest.raises(FetchRefused, match="only bundled assets"):
        asset_fetcher()("http://127.0.0.1:8000/redirect-to?url=file:///etc/passwd")


def test_a_bundled_asset_is_served():
    result = asset_fetcher()("asset:logo.svg")
    assert result.content_type == "image/svg+xml"
    assert result.read().startswith(b"<svg")
