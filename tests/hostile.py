"""Hostile strings a participant might type, for every test that shows participant text."""

from __future__ import annotations

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 1">',
    "<svg onload=window.__pwned=1>",
    '<a href="javascript:window.__pwned=1">click me</a>',
    '"><iframe src=javascript:window.__pwned=1>',
    "{{7*7}} ${7*7} <%= 7*7 %>",
    '=HYPERLINK("http://example.invalid","x")',
    "+SUM(1,2)",
    "@cmd",
    "-2+3",
    "abc\u202egnp.exe",  # right-to-left override
    "zero\u200bwidth\u200cjoin\u2060",
    "bell\x07 and nul\x00 and esc\x1b[31m",
    "مرحبا بالعالم",  # right-to-left text is fine and must survive
    "👩‍👩‍👧 family ✨",
]

#: Everyday text that must come back exactly as typed, through the store, pages and exports:
#: Persian with ZWNJ, Hindi conjuncts with ZWJ/ZWNJ, the Welsh flag (an emoji tag sequence),
#: a ZWJ family, a skin tone, a keycap, a text-style variation selector, Hebrew with RLM.
AS_TYPED = [
    "می‌خواهم به دکتر بروم",
    "क्‍ष और क्‌ष सेवा",
    "Cymru 🏴󠁧󠁢󠁷󠁬󠁳󠁿 am byth",
    "👨‍👩‍👧‍👦 and 👋🏽",
    "Press 1️⃣ then ❤︎",
    "שלום‏ (Shalom) $5 or $10",
]

#: Characters text cleaning drops (a NUL, a bidi override): they cost no length once stored.
DROPPED = "\x00\u202e"


def near_limit(limit: int, payload: str = '<img src=x onerror="window.__pwned=1">') -> str:
    """Hostile text exactly ``limit`` characters long once cleaned (a field's longest).

    The payload leads, a NUL and a bidi override sit inside (dropped when stored), and a
    script tag and words fill the rest.
    """
    body = f"{payload}{DROPPED}<script>window.__pwned=1</script> "
    text = (body + "long words " * limit)[: limit + len(DROPPED)]
    return text.rstrip() + "." * (limit + len(DROPPED) - len(text.rstrip()))
