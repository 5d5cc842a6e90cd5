"""The report opens in a real Chromium from a file:// URL without one request leaving the
machine: every request the page makes is recorded and must be a file: or data: URL."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(demo_report):
    return demo_report["path"]


def test_the_report_opens_offline_with_every_chart_drawn(browser, report):
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    # Anything that is not the file itself would fail here, not reach a network.
    context.route("http*://**", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        images = page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => [i.complete && i.naturalWidth > 0, i.alt.length])"
        )
        text = page.inner_text("body")
    finally:
        context.close()
    assert requests, "the page made no request at all: was it opened?"
    outside = [url for url in requests if not url.startswith(("file:", "data:"))]
    assert outside == []
    assert len(images) >= 10
    assert all(loaded and alt for loaded, alt in images)
    assert "Equal say" in text
