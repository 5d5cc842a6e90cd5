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
