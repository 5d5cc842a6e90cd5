"""A "protocol phone": a participant page played over HTTP and the kernel websocket, no browser.

It does what Voila's page and ``@jupyter-widgets/base`` do on the wire, so that one process
can play a room of phones and the machine's cores measure the server, not 60 Chromiums:

1. GET the page (with this phone's cookies: the ``codesign_page`` session, the HttpOnly token
   cookie) and read the kernel id from the page's config;
2. open ``/api/kernels/<id>/channels`` with the ``v1.kernel.websocket.jupyter.org``
   subprotocol, open the widget manager's control comm (``jupyter.widget.control``) and send
   ``request_states``; the ``update_states`` answer is every widget's state (the moment the
   page can draw: "interactive");
3. keep a model of every widget from iopub (``comm_open``, ``update``/``echo_update``,
   ``comm_close``), and send what the front end sends for a typed value (``comm_msg`` with
   ``method: update``) and a tap (``method: custom``, ``{"event": "click"}``);
4. POST ``/codesign/identity`` when the identity widget says so, as its page script does.

Used by ``benchmarks/bench_room.py`` and the soak and crash tests. Tornado's clients only
(tornado comes with jupyter_server).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import json
import re
import time
import uuid
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urljoin, urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

#: The HTML join form's address under a server's prefix (serving/join_form.py).
ENTER_FORM = "codesign/enter"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
SUBPROTOCOL = "v1.kernel.websocket.jupyter.org"
CONTROL_PROTOCOL = "1.0.0"
TAG = re.compile(r"<[^>]+>")
#: Requests tornado's client sends at once (its default of 10 queues a room's page loads).
PHONES_AT_ONCE = 500


def serialize_v1(msg: dict[str, Any], channel: str) -> bytes:
    """A kernel message in the websocket's v1 framing (what ``@jupyterlab/services`` sends)."""
    parts = [
        json.dumps(msg[key]).encode() for key in ("header", "parent_header", "metadata", "content")
    ]
    chan = channel.encode()
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(offsets[-1] + len(chan))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + chan + b"".join(parts)


def deserialize_v1(data: bytes) -> tuple[str, dict[str, Any]]:
    """The channel and message of a v1 frame (buffers are kept as bytes)."""
    count = int.from_bytes(data[:8], "little")
    offsets = [int.from_bytes(data[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    channel = data[offsets[0] : offsets[1]].decode()
    parts = [data[offsets[i] : offsets[i + 1]] for i in range(1, count - 1)]
    msg = {
        key: json.loads(parts[i]) if i < len(parts) else {}
        for i, key in enumerate(("header", "parent_header", "metadata", "content"))
    }
    msg["buffers"] = parts[4:]
    return channel, msg


def text_of(value: Any) -> str:
    """The visible text of a widget value (HTML tags dropped, entities decoded).

    >>> text_of('<div role="status">You&#x27;re in, Ann.</div>')
    " You're in, Ann. "
    """
    return html.unescape(TAG.sub(" ", value)) if isinstance(value, str) else ""


class PageRefused(RuntimeError):
    """The server answered the page with an error status (full, not yours, gone)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"page refused with {status}: {TAG.sub(' ', body)[:200]}")
        self.status = status


class ProtocolPhone:
    """One phone. ``base`` is the server's address (``http://127.0.0.1:8866``).

    ``times`` collects what happened when (seconds since :meth:`open` began); ``cookies``
    persist across :meth:`open` calls, as a phone's browser keeps them; ``source`` is the
    loopback address it connects from (``127.0.0.3``: a device of its own to the server).
    """

    def __init__(
        self,
        base: str,
        name: str = "",
        cookies: dict[str, str] | None = None,
        source: str | None = None,
    ) -> None:
        self.base = base.rstrip("/")
        # The loopback address this phone connects from (127.0.0.3...): a device of its own.
        self.source = source
        parts = urlsplit(self.base)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        # The URL prefix of the server whose page is open ("/p1/" behind a reverse proxy).
        self.prefix = parts.path.rstrip("/") + "/"
        self.name = name
        self.cookies: dict[str, str] = dict(cookies or {})
        self.models: dict[str, dict[str, Any]] = {}
        self.kernel_id: str | None = None
        self.times: dict[str, float] = {}
        self.errors: list[str] = []
        self._ws = None
        self._session = uuid.uuid4().hex
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Event()
        self._states = asyncio.Event()
        self._control: str | None = None
        self._saved_seen = 0
        self.closed = False
        self.close_code: int | None = None
        self.received = self.received_bytes = 0  # websocket messages from the kernel, bytes
        self.watchers: list[Callable[[str, dict[str, Any]], None]] = []

    # -- HTTP ---------------------------------------------------------------------------------
    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers: Any) -> None:
        for line in headers.get_list("Set-Cookie"):
            jar = SimpleCookie()
            try:
                jar.load(line)
            except Exception:  # a cookie Python cannot parse is not one of ours
                continue
            for key, morsel in jar.items():
                if morsel.value == "" or "1970" in (morsel["expires"] or ""):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value

    async def fetch(self, path: str, method: str = "GET", body: bytes | None = None, **kw: Any):
        """An HTTP request with this phone's cookies; keeps the cookies it sets. ``path`` is
        under ``base``, or a whole address (a redirect's)."""
        timeout = kw.pop("timeout", 180)
        request = HTTPRequest(
            path if path.startswith(("http://", "https://")) else self.base + path,
            method=method,
            body=body if body is not None else (b"" if method == "POST" else None),
            headers={"Cookie": self._cookie_header(), "Sec-Fetch-Site": "same-origin"},
            follow_redirects=False,
            request_timeout=timeout,
            # Queued requests count against the connect timeout: a room's worth queue.
            connect_timeout=timeout,
            network_interface=self.source,
            **kw,
        )
        # One client per event loop; every phone's requests go out at once, as from phones.
        client = AsyncHTTPClient(max_clients=PHONES_AT_ONCE)
        try:
            response = await client.fetch(request, raise_error=False)
        except HTTPClientError as exc:  # a timeout or a refused connection (no response)
            if exc.response is None:
                raise ConnectionError(f"{self.name}: {exc}") from exc
            response = exc.response
        self._keep_cookies(response.headers)
        return response

    async def open(self, path: str, connect: bool = True) -> None:
        """Load the page at ``path`` (redirects followed) and, with ``connect``, reach its
        kernel and load every widget's state."""
        start = time.monotonic()
        self.times = {"start": time.time()}
        url = self.base + path
        response = await self.fetch(url)
        hops = 0
        while response.code in (301, 302, 303, 307) and hops < 5:
            hops += 1
            url = urljoin(url, response.headers["Location"])
            if urlsplit(url).path.endswith(ENTER_FORM):
                # A shared entry sends people to the HTML join form; a protocol phone plays
                # the widget page of the same server (the form: bench_cheap_phone.py).
                parts = urlsplit(url)
                page = parts.path[: -len(ENTER_FORM)] + "voila/render/join.ipynb"
                url = parts._replace(path=page).geturl()
            response = await self.fetch(url)
        body = response.body.decode("utf-8", "replace") if response.body else ""
        self.times["html"] = time.monotonic() - start
        self.prefix = urlsplit(url).path.split("voila/render/", 1)[0] or "/"
        if response.code != 200:
            raise PageRefused(response.code, body)
        found = KERNEL_ID.search(body)
        if not found:
            raise PageRefused(response.code, "no kernel id in the page: " + body[:300])
        self.kernel_id = found.group(1)
        if connect:
            await self.connect()
            self.times["interactive"] = time.monotonic() - start

    # -- the kernel websocket -----------------------------------------------------------------
    async def connect(self, timeout: float = 120) -> None:
        """Open the kernel's channels and load every widget's state (``request_states``)."""
        ws_base = self.origin.replace("http", "ws", 1)
        url = (
            f"{ws_base}{self.prefix}api/kernels/{self.kernel_id}/channels"
            f"?session_id={self._session}"
        )
        request = HTTPRequest(
            url,
            headers={"Cookie": self._cookie_header()},
            request_timeout=timeout,
            network_interface=self.source,
        )
        self._ws = await websocket_connect(
            request, subprotocols=[SUBPROTOCOL], max_message_size=64 * 1024 * 1024
        )
        self._reader = asyncio.create_task(self._read())
        self._control = uuid.uuid4().hex
        self._states.clear()
        await self._send(
            "comm_open",
            {"comm_id": self._control, "target_name": "jupyter.widget.control", "data": {}},
            metadata={"version": CONTROL_PROTOCOL},
        )
        await self._send(
            "comm_msg", {"comm_id": self._control, "data": {"method": "request_states"}}
        )
        await asyncio.wait_for(self._states.wait(), timeout)
        # The widget manager closes the control comm once it has the states.
        await self._send("comm_close", {"comm_id": self._control, "data": {}})

    async def _send(self, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        msg = {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "username": "",
                "session": self._session,
                "date": dt.datetime.now(dt.UTC).isoformat(),
                "version": "5.2",
            },
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
        }
        if self._ws is None:
            raise WebSocketClosedError()
        await self._ws.write_message(serialize_v1(msg, "shell"), binary=True)

    async def _read(self) -> None:
        while True:
            data = await self._ws.read_message()
            if data is None:
                self.close_code = self._ws.close_code if self._ws is not None else None
                self.closed = True
                self._changed.set()
                return
            if isinstance(data, str):  # the legacy JSON protocol: not negotiated here
                msg = json.loads(data)
                channel = msg.get("channel", "")
            else:
                channel, msg = deserialize_v1(data)
            self.received += 1
            self.received_bytes += len(data)
            if channel == "iopub":
                self._handle(msg)

    def _handle(self, msg: dict[str, Any]) -> None:
        kind = msg["header"].get("msg_type")
        content = msg.get("content", {})
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            state = content.get("data", {}).get("state", {})
            self.models[content["comm_id"]] = dict(state)
            self._notice(content["comm_id"], state)
        elif kind == "comm_msg":
            data = content.get("data", {})
            comm = content.get("comm_id")
            if comm == self._control and data.get("method") == "update_states":
                for model_id, model in data.get("states", {}).items():
                    self.models[model_id] = dict(model.get("state", {}))
                self.times.setdefault("states_at", time.time())
                self._states.set()
            elif data.get("method") in ("update", "echo_update") and comm in self.models:
                self.models[comm].update(data.get("state", {}))
                self._notice(comm, data.get("state", {}))
        elif kind == "comm_close":
            self.models.pop(content.get("comm_id"), None)
        elif kind == "error":
            self.errors.append(f"{content.get('ename')}: {content.get('evalue')}")
        self._changed.set()

    def _notice(self, model_id: str, state: dict[str, Any]) -> None:
        for watcher in self.watchers:
            watcher(model_id, state)
        saved = state.get("saved")
        if isinstance(saved, int) and saved > self._saved_seen:
            self._saved_seen = saved
            # The identity widget's page script collects the HttpOnly token cookie.
            asyncio.get_running_loop().create_task(self._collect_identity())

    async def _collect_identity(self) -> None:
        await self.fetch(f"{self.origin}{self.prefix}codesign/identity", method="POST")
        self.times.setdefault("identity", time.time())

    async def close(self) -> None:
        """Close the websocket (a phone put away); the kernel lives on until culled."""
        if self._ws is not None:
            self._ws.close()
            self._ws = None
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None

    # -- reading the page ---------------------------------------------------------------------
    def find(self, model: str | None = None, **traits: Any) -> list[str]:
        """Ids of the widgets whose ``_model_name`` is ``model`` and whose traits match."""
        return [
            model_id
            for model_id, state in self.models.items()
            if (model is None or state.get("_model_name") == model)
            and all(state.get(k) == v for k, v in traits.items())
        ]

    def one(self, model: str | None = None, **traits: Any) -> str:
        """The id of the one widget that matches (the first shown when several do)."""
        found = self.find(model, **traits)
        if not found:
            raise LookupError(f"{self.name}: no {model or 'widget'} with {traits}")
        return found[0]

    def texts(self) -> list[str]:
        """The visible text of every HTML/Label widget the page holds."""
        return [
            text_of(s.get("value"))
            for s in self.models.values()
            if s.get("_model_name") in ("HTMLModel", "LabelModel")
        ]

    def notices(self) -> list[str]:
        """Texts of the page's notice lines (``codesign-notice``) that say something."""
        return [
            text_of(s.get("value")).strip()
            for s in self.models.values()
            if "codesign-notice" in (s.get("_dom_classes") or ()) and s.get("value")
        ]

    def error_shown(self) -> list[str]:
        """Problems the page shows: notices with ``role=alert``."""
        return [
            text_of(s.get("value")).strip()
            for s in self.models.values()
            if "codesign-notice" in (s.get("_dom_classes") or ())
            and 'role="alert"' in str(s.get("value", ""))
        ]

    async def wait_for(self, check: Callable[[], Any], timeout: float = 60) -> Any:
        """Wait until ``check()`` is truthy (checked after every message); its value."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if self.closed:
                raise ConnectionError(f"{self.name}: the kernel connection closed")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: waited {timeout:.0f} s; notices {self.notices()}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))

    async def wait_text(self, needle: str, timeout: float = 60) -> str:
        """Wait until a text widget shows ``needle``; returns that text."""

        def seen() -> str | None:
            return next((t for t in self.texts() if needle in t), None)

        return await self.wait_for(seen, timeout)

    # -- acting -------------------------------------------------------------------------------
    async def set(self, model_id: str, **state: Any) -> None:
        """What the front end sends when a value changes (``method: update``)."""
        self.models.setdefault(model_id, {}).update(state)
        await self._send(
            "comm_msg",
            {
                "comm_id": model_id,
                "data": {"method": "update", "state": state, "buffer_paths": []},
            },
        )

    async def click(self, model_id: str) -> None:
        """What the front end sends for a tap on a button."""
        await self._send(
            "comm_msg",
            {"comm_id": model_id, "data": {"method": "custom", "content": {"event": "click"}}},
        )

    async def type_into(self, description: str, text: str, timeout: float = 60) -> None:
        """Type ``text`` into the text box labelled ``description`` (once the page has it:
        a busy kernel sends a page's widgets one by one)."""

        def box() -> str | None:
            return next(
                (
                    m
                    for m in self.find(description=description)
                    if self.models[m].get("_model_name") in ("TextModel", "TextareaModel")
                ),
                None,
            )

        await self.set(await self.wait_for(box, timeout), value=text)

    async def choose(self, description: str, starts_with: str, timeout: float = 60) -> None:
        """Pick the option starting with ``starts_with`` of the radio group ``description``."""

        def option() -> tuple[str, int] | None:
            for group in self.find("RadioButtonsModel", description=description):
                labels = self.models[group].get("_options_labels", [])
                for index, label in enumerate(labels):
                    if label.startswith(starts_with):
                        return group, index
            return None

        group, index = await self.wait_for(option, timeout)
        await self.set(group, index=index)

    async def tap(self, description: str) -> None:
        """Tap the button showing ``description``."""
        await self.click(self.one("ButtonModel", description=description))


JOIN_NAME = "Your name (shown to the group)"


async def join(phone: ProtocolPhone, name: str, perspective: str = "Lived") -> float:
    """Fill the join form and tap Join, as ``tests/browser/phone.py`` does in a browser;
    returns the seconds from the tap to "You're in"."""
    await phone.wait_for(lambda: phone.find("ButtonModel", description="Join"), 60)
    await phone.type_into(JOIN_NAME, name)
    await phone.choose("I take part as", perspective)
    await phone.set(phone.one("CheckboxModel", description="I agree"), value=True)
    tapped = time.monotonic()
    await phone.tap("Join")
    await phone.wait_for(lambda: any("You're in" in n for n in phone.notices()), 120)
    return time.monotonic() - tapped


def run_apart(coro: Any) -> Any:
    """``asyncio.run(coro)`` in a thread of its own: in the test suite a Playwright browser
    (its sync API) may already run an event loop in this thread, and ``asyncio.run`` refuses
    to start a second one there."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``.

    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)
    10
    """
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


SHARED = "The group (shown on the big screen)"


async def add_card(
    phone: ProtocolPhone,
    prompts: dict[str, str],
    marker: str,
    timeout: float = 120,
    on_tap: Callable[[], object] | None = None,
) -> float:
    """Add a shared goal card carrying ``marker``, as a person fills the form and taps "Add
    card"; returns the seconds until the card shows among the phone's own cards. Raises
    ``RuntimeError`` with the text of an error the page shows instead."""
    await phone.type_into(prompts["what_matters"], f"Getting out {marker}")
    await phone.type_into(prompts["goal"], f"Walk to the bus {marker}")
    group = await phone.wait_for(
        lambda: next(
            (
                m
                for m in phone.find("RadioButtonsModel")
                if SHARED in phone.models[m].get("_options_labels", [])
            ),
            None,
        ),
        timeout,
    )
    await phone.set(group, index=phone.models[group]["_options_labels"].index(SHARED))
    tapped = time.monotonic()
    if on_tap is not None:
        on_tap()
    await phone.tap("Add card")
    await phone.wait_for(
        lambda: phone.error_shown() or any(marker in t for t in phone.texts()), timeout
    )
    shown = phone.error_shown()
    if shown and not any(marker in t for t in phone.texts()):
        raise RuntimeError(shown[0])
    return time.monotonic() - tapped


GOAL_STAGE = "goals"


def goal_workshop(db_url: str, title: str, plan: str = "codesign_day") -> tuple[str, int, str]:
    """A codesign-day workshop (or one following ``plan``, a copy of it) whose current stage
    is its open goal-mapping stage (the first activity a phone reaches after joining):
    ``(code, id, key)``."""
    from codesign_widgets.core.workshop import StageState
    from codesign_widgets.studio import Studio

    studio = Studio.open(db_url)
    try:
        workshop, key = studio.workshops.create(title, plan)
        studio.workshops.set_current_stage(workshop.id, GOAL_STAGE)
        studio.workshops.set_stage_state(workshop.id, GOAL_STAGE, StageState.OPEN)
        return workshop.code, workshop.id, key
    finally:
        studio.close()


def goal_prompts() -> dict[str, str]:
    """The goal card form's labels in a codesign-day workshop."""
    from codesign_widgets.core.templates import load_template
    from codesign_widgets.goals.cards import DEFAULT_PROMPTS

    return {**DEFAULT_PROMPTS, **load_template("codesign_day").goal_prompts}


def stored_card_texts(db_url: str, workshop_id: int) -> list[str]:
    """What matters and goal of every card stored on the goal stage (withdrawn ones too)."""
    from codesign_widgets.studio import Studio

    studio = Studio.open(db_url)
    try:
        cards = studio.goals.cards.goal_cards(
            workshop_id, GOAL_STAGE, include_hidden=True, include_withdrawn=True
        )
    finally:
        studio.close()
    return [f"{c.what_matters} | {c.goal}" for c in cards]
