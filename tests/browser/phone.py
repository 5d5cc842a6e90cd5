"""What a person does on a phone, shared by the browser tests."""

from __future__ import annotations

import re


def join(page, url: str, name: str, perspective: str) -> None:
    """Open the participant link and join with a name, a perspective and consent."""
    page.goto(url)
    page.get_by_role("button", name="Join").wait_for(timeout=60_000)
    page.get_by_label("Your name (shown to the group)").fill(name)
    page.get_by_label(re.compile(f"^{perspective}")).check()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Join").click()


def kept_cookie(context, name: str, timeout: float = 20.0) -> dict:
    """The cookie ``name`` of ``context`` once the browser has it. The identity cookie comes
    a moment after "You're in" (the kernel hands the token over, then the page collects it),
    later still on a busy machine."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = [c for c in context.cookies() if c["name"] == name]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no {name} cookie after {timeout:.0f} s"
        time.sleep(0.2)


def heard(page) -> str:
    """What the page's live region holds for a screen reader, read from Chromium's
    accessibility tree (its words are in a closed shadow root, not in page text)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        found = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#codesign-live"})
        backend = cdp.send("DOM.describeNode", {"nodeId": found["nodeId"]})["node"]["backendNodeId"]
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    by_id = {n["nodeId"]: n for n in nodes}
    region = next(n for n in nodes if n.get("backendDOMNodeId") == backend)
    words, stack = [], list(region.get("childIds", []))
    while stack:
        node = by_id.get(stack.pop(0))
        if node is None:
            continue
        if node.get("role", {}).get("value") == "StaticText":
            words.append(node.get("name", {}).get("value", ""))
        stack[:0] = node.get("childIds", [])
    return " ".join(words).replace("\u00a0", " ").strip()


#: Where the studio serves its versioned front end (static_files.py).
_VERSIONED_FILE = re.compile(r"/voila/v/[0-9a-f]{16}/(.+)$")
#: Environment of a studio whose pages preload nothing (``static_files.PRELOAD_ENV``).
NO_PRELOAD = {"CODESIGN_PRELOAD_MANIFEST": ""}


def front_end_files(page, url: str) -> list[str]:
    """Open the join page at ``url``, join, and return the front-end files it fetched, in
    the order first asked for, as addresses under the versioned one (``static/voila.js``).

    The join page loads what every participant page needs: Voila, the widget managers and
    the chunks their widgets use. The studio's ``preload.json`` lists exactly these. Serve
    the page without preloads (``NO_PRELOAD``) to see what it asks for by itself.
    """
    from urllib.parse import urlsplit

    asked: list[str] = []

    def note(request) -> None:
        # With its query: the extensions' chunks are asked for as `84.09c6...js?v=09c6...`,
        # and a preload is used only by a request for the very same address.
        parts = urlsplit(request.url)
        found = _VERSIONED_FILE.search(parts.path)
        name = found and found.group(1) + (f"?{parts.query}" if parts.query else "")
        if name and name not in asked:
            asked.append(name)

    page.on("request", note)
    try:
        join(page, url, "Preload", "Provider")
        page.get_by_text("You're in").wait_for(timeout=120_000)
        page.wait_for_load_state("networkidle", timeout=120_000)
        page.wait_for_timeout(1000)
    finally:
        page.remove_listener("request", note)
    return asked
