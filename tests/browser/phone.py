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
