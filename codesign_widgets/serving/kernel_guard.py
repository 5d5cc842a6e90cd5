"""How many kernels the participant server runs, and for whom.

Every participant page load takes a kernel (about 100 MB and a few CPU-seconds to start),
and jupyter_server has no limit on how many it runs. A script reloading the page, or a phone
whose tabs were never closed, could take them all. :class:`KernelGuard` keeps two limits:

- ``per_client``: kernels one address (one phone, one laptop) may hold at once. When a
  client is at its limit, its kernels that no page is connected to any more (a reloaded or
  abandoned tab) and that are older than ``grace`` seconds are given back first, so a phone
  that reloads often is never locked out; only a client keeping many pages open is refused.
- ``total``: kernels the server hands out at all, so the laptop stays responsive for the
  people already in the room.

This laptop's own browser (``127.0.0.1``, ``::1``) has no per-client limit: a facilitator
trying the workshop out opens one participant tab per pretend phone. The total still counts.

Pure Python: the server (``voila_main.py``) asks :meth:`KernelGuard.admit` before a
page takes a kernel and tells :meth:`Ticket.claim` which one it took.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..core.i18n import N_, Translator, translator

#: Clients with no per-client limit: the laptop's own browser on localhost.
LOCAL_BROWSER = frozenset({"127.0.0.1", "::1"})
#: Seconds a page may take to open its websocket before its kernel counts as abandoned.
DEFAULT_GRACE = 30.0


@dataclass(frozen=True)
class Refusal:
    """Why a page load was refused, in words for the person holding the phone."""

    kind: str  # "device" or "workshop": which limit, for the facilitator's terminal
    status: int
    title: str
    advice: str
    retry_after: int


CLIENT_FULL = Refusal(
    kind="device",
    status=429,
    title=N_("This device already has too many studio pages open"),
    advice=N_("Close the other workshop tabs on this device, wait half a minute, then try again."),
    retry_after=30,
)
SERVER_FULL = Refusal(
    kind="workshop",
    status=503,
    title=N_("The workshop is full right now"),
    advice=N_(
        "Every place on this laptop is taken. Tell the facilitator, and try again in a minute."
    ),
    retry_after=60,
)


@dataclass
class _Held:
    client: str
    since: float  # when the page was sent (until then: when its load took the kernel)
    sent: bool = False  # the page has been sent in full; until then it is never given back


@dataclass
class Ticket:
    """One admitted page load; :meth:`claim` records the kernel it was given."""

    guard: KernelGuard
    client: str
    kernel_id: str | None = None
    active: bool = field(default=True)
    waiting: bool = field(default=True)

    def claim(self, kernel_id: str) -> None:
        """The page load was given ``kernel_id``: it now counts as that kernel, once.

        A page that has its kernel stops counting as a load still waiting for one, so a
        page being rendered is never counted twice (a wave of joins was refused at 55 of 60).
        """
        if self.active and self.kernel_id is None:
            self.kernel_id = kernel_id
            self.guard._held[kernel_id] = _Held(self.client, self.guard._clock())
            self._stop_waiting()

    def release(self) -> None:
        """The request ended; a kernel it claimed stays counted until it is shut down.

        The page's grace to open its websocket starts now, when the page has been sent: on a
        laptop rendering 60 pages at once a page can take longer than the grace to render,
        and its kernel was taken for abandoned (and shut down to make room) before the phone
        could connect."""
        if self.active:
            self.active = False
            self._stop_waiting()
            held = self.guard._held.get(self.kernel_id) if self.kernel_id else None
            if held is not None:
                held.since, held.sent = self.guard._clock(), True

    def _stop_waiting(self) -> None:
        if self.waiting:
            self.waiting = False
            self.guard._pending[self.client] -= 1
            if not self.guard._pending[self.client]:
                del self.guard._pending[self.client]


class KernelGuard:
    """Count the kernels given to page loads, per client and in all.

    Parameters
    ----------
    total, per_client
        The limits; 0 turns a limit off.
    grace
        Seconds after which a kernel no page is connected to may be given back.
    clock
        ``time.monotonic`` unless a test passes its own.
    unlimited
        Clients the per-client limit does not apply to.
    """

    def __init__(
        self,
        total: int,
        per_client: int,
        grace: float = DEFAULT_GRACE,
        clock: Callable[[], float] = time.monotonic,
        unlimited: frozenset[str] = LOCAL_BROWSER,
    ) -> None:
        self.unlimited = unlimited
        self.total = total
        self.per_client = per_client
        self.grace = grace
        self._clock = clock
        self._held: dict[str, _Held] = {}
        self._pending: dict[str, int] = {}

    def held_by(self, client: str) -> list[str]:
        """Kernel ids handed to ``client`` that are still counted, oldest first."""
        held = [(h.since, k) for k, h in self._held.items() if h.client == client]
        return [k for _since, k in sorted(held)]

    def holders(self) -> dict[str, tuple[str, float]]:
        """Every counted kernel: its client and when it was handed out."""
        return {k: (h.client, h.since) for k, h in self._held.items()}

    def full(self) -> bool:
        """Whether the total limit is reached (a new page would be refused)."""
        return bool(self.total) and self.in_use() >= self.total

    def in_use(self) -> int:
        """Kernels handed out plus page loads still waiting for theirs."""
        return len(self._held) + sum(self._pending.values())

    def forget_gone(self, live: Iterable[str]) -> None:
        """Stop counting kernels the server no longer runs (shut down, culled)."""
        live = set(live)
        for kernel_id in [k for k in self._held if k not in live]:
            del self._held[kernel_id]

    def abandoned(self, kernel_id: str, connections: Callable[[str], int]) -> bool:
        """Whether ``kernel_id``'s page was sent more than the grace ago and no page is
        connected to it (a closed or reloaded tab); a page still being rendered never is."""
        held = self._held.get(kernel_id)
        if held is None or not held.sent:
            return False
        return self._clock() - held.since >= self.grace and connections(kernel_id) == 0

    def reclaimable(self, client: str, connections: Callable[[str], int]) -> list[str]:
        """``client``'s abandoned kernels (:meth:`abandoned`), oldest first."""
        return [k for k in self.held_by(client) if self.abandoned(k, connections)]

    def admit(self, client: str, live: Iterable[str]) -> Ticket | Refusal:
        """Let a page load from ``client`` take a kernel, or say why not.

        The caller first shuts down what :meth:`reclaimable` names when the client is at
        its limit (see :meth:`over_client_limit`), then asks again.
        """
        self.forget_gone(live)
        if self.over_client_limit(client):
            return CLIENT_FULL
        if self.full():
            return SERVER_FULL
        self._pending[client] = self._pending.get(client, 0) + 1
        return Ticket(self, client)

    def over_client_limit(self, client: str) -> bool:
        if not self.per_client or client in self.unlimited:
            return False
        mine = len(self.held_by(client)) + self._pending.get(client, 0)
        return mine >= self.per_client

    def release_kernel(self, kernel_id: str) -> None:
        """Stop counting a kernel the server is shutting down on the guard's behalf."""
        self._held.pop(kernel_id, None)


def refusal_page(refusal: Refusal, tr: Translator | None = None) -> str:
    """A small self-contained HTML page for a refused load (fixed text, nothing from input),
    in ``tr``'s language (the one the phone's browser asks for: the workshop is not known yet).

    >>> page = refusal_page(SERVER_FULL, translator("cy"))
    >>> page.startswith("<!doctype html><html lang='cy' dir='ltr'>")
    True
    """
    tr = tr or translator()
    title, advice = html.escape(tr.gettext(refusal.title)), html.escape(tr.gettext(refusal.advice))
    again = html.escape(tr.gettext("Try again"))
    return (
        f"<!doctype html><html lang='{tr.language}' dir='{tr.direction}'><head>"
        "<meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:1.5rem;font-size:1.1rem;"
        "line-height:1.5;max-width:32rem}h1{font-size:1.5rem;line-height:1.3}"
        "a{display:inline-block;margin-top:1rem;padding:.75rem 1.5rem;background:#1976d2;"
        "color:#fff;border-radius:4px;text-decoration:none}</style></head><body>"
        f"<h1>{title}</h1><p>{advice}</p>"
        # An empty href is this very address: the page loads again, join code included.
        f"<a href=''>{again}</a></body></html>"
    )


#: How the server logs a refusal; :class:`RefusalWatcher` reads it back from the log.
REFUSAL_LOG = "Page refused [{kind}]: {in_use} participant pages open"
_REFUSAL_LINE = re.compile(r"Page refused \[(device|workshop)\]: (\d+) participant pages open")


class RefusalWatcher:
    """Turn the participant server's refusal log lines into advice for the facilitator.

    ``codesign serve`` runs in the facilitator's terminal while phones that were asked to
    wait only see their own page; each kind of refusal is reported at most once per
    ``quiet`` seconds, with what to do about it.
    """

    def __init__(
        self,
        max_kernels: int,
        per_client: int,
        quiet: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_kernels, self.per_client = max_kernels, per_client
        self.quiet, self._clock = quiet, clock
        self._last: dict[str, float] = {}

    def read(self, text: str) -> list[str]:
        """Advice for the refusals in a new piece of the log (often none)."""
        counts: dict[str, int] = {}
        for kind, _in_use in _REFUSAL_LINE.findall(text):
            counts[kind] = counts.get(kind, 0) + 1
        advice = []
        now = self._clock()
        for kind, n in counts.items():
            if now - self._last.get(kind, -self.quiet) < self.quiet:
                continue
            self._last[kind] = now
            advice.append(self._advice(kind, n))
        return advice

    def _advice(self, kind: str, n: int) -> str:
        times = "once" if n == 1 else f"{n} times"
        if kind == "workshop":
            return (
                f"A phone was asked to wait ({times}): the workshop is full, "
                f"{self.max_kernels} participant pages are open. To let more in, stop and "
                "start again with a higher --max-kernels (nothing is lost; each page holds "
                "about 100 MB)."
            )
        return (
            f"A device was asked to close tabs ({times}): it already has "
            f"{self.per_client} participant pages open. If phones reach this laptop through "
            "one shared address, start again with --max-kernels-per-client 0."
        )


#: Comm targets a page may open in its kernel: the widget manager's control channel only.
#: A page that opens ``jupyter.widget`` comms makes its kernel build widgets of its choosing
#: (400 widgets of 900 KB took a kernel from 70 to 434 MB in 4 s).
CLIENT_COMM_TARGETS = frozenset({"jupyter.widget.control"})


def client_message_refused(header: dict, content: dict | None) -> bool:
    """Whether a message a page sends to its kernel is dropped on the server.

    ``content`` is read only for ``comm_open`` (other messages pass on their header).

    >>> client_message_refused({"msg_type": "comm_open"}, {"target_name": "jupyter.widget"})
    True
    >>> client_message_refused({"msg_type": "comm_open"}, {"target_name": "jupyter.widget.control"})
    False
    >>> client_message_refused({"msg_type": "comm_msg"}, None)
    False
    """
    if header.get("msg_type") != "comm_open":
        return False
    return (content or {}).get("target_name") not in CLIENT_COMM_TARGETS


class PageBudget:
    """What one page's websocket may send its kernel, kept per connection.

    - At most ``rate`` messages a second on average, with bursts up to ``burst`` (a token
      bucket). An honest page sends a few a second at most (text boxes send on leaving the
      box); a page sending 959 a second took 1.7 of 2 cores and made joining 12 times
      slower. :meth:`check` says ``"flood"`` once the bucket is empty: the server closes
      that socket (the page, if honest, reconnects as its person).
    - One request for the whole widget state (``request_states`` on the control comm) per
      connection, which is all the widget manager sends when it loads; asking again and
      again without reading the replies built a 22-second backlog for everyone. Repeats get
      ``"repeat"`` and are dropped.

    >>> now = [0.0]
    >>> budget = PageBudget(rate=2, burst=3, clock=lambda: now[0])
    >>> update = {"msg_type": "comm_msg"}, {"data": {"method": "update"}}
    >>> [budget.check(*update) for _ in range(4)]
    [None, None, None, 'flood']
    >>> now[0] = 1.0  # a second later, two more
    >>> [budget.check(*update) for _ in range(3)]
    [None, None, 'flood']
    >>> states = {"msg_type": "comm_msg"}, {"data": {"method": "request_states"}}
    >>> budget = PageBudget()
    >>> budget.check(*states), budget.check(*states)
    (None, 'repeat')
    """

    def __init__(
        self, rate: float = 20.0, burst: float = 200.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens, self._at = burst, clock()
        self._states_asked = False

    def check(self, header: dict, content: dict | None) -> str | None:
        """``None`` if the message may go to the kernel, else why not (``"flood"``,
        ``"repeat"``)."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens < 1:
            return "flood"
        self._tokens -= 1
        if header.get("msg_type") == "comm_msg":
            method = ((content or {}).get("data") or {}).get("method")
            if method == "request_states":
                if self._states_asked:
                    return "repeat"
                self._states_asked = True
        return None


class SecretFilter:
    """A logging filter that blanks the facilitator key and tokens in what is logged: a
    key-carrying address that meets an error (a 404, a refused page) would otherwise be
    written to the server's log, where anyone who reads the terminal or the file sees it.

    >>> import logging
    >>> line = "%d GET %s", (404, "/x?key=Ab1&code=K")
    >>> record = logging.LogRecord("tornado.access", 30, "", 0, *line, None)
    >>> SecretFilter().filter(record), record.getMessage()
    (True, '404 GET /x?key=…&code=K')
    """

    SECRET = re.compile(r"\b(key|token|codesign_token|_xsrf)=[^&\s\"']+")

    def filter(self, record) -> bool:
        text = record.getMessage()
        if "=" in text and self.SECRET.search(text):
            record.msg, record.args = self.SECRET.sub(r"\1=…", text), ()
        return True


class RepeatFilter:
    """A logging filter that turns a message repeated many times into one line with a count.

    The first occurrence of a message is logged; the same message again within ``every``
    seconds is counted, not logged; the next one after that carries the count. A flood (a
    million EMFILE errors, a page sending refused messages 1,000 times a second) so becomes
    one line a minute instead of gigabytes of log.
    """

    def __init__(self, every: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every, self._clock = every, clock
        self._seen: dict[str, list[float]] = {}

    def filter(self, record) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a record that cannot be formatted: let logging report it
            return True
        key = f"{record.levelno}:{text[:500]}"
        now = self._clock()
        entry = self._seen.get(key)
        if entry is not None and now - entry[0] < self.every:
            entry[1] += 1
            return False
        if entry is not None and entry[1]:
            record.msg = (
                f"{text} (and {int(entry[1])} more times in the last {int(now - entry[0])} s)"
            )
            record.args = ()
        if len(self._seen) > 2000:  # many different messages: start counting afresh
            self._seen.clear()
        self._seen[key] = [now, 0]
        return True
