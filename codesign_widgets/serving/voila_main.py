"""Voila as the studio runs it: ``python -m codesign_widgets.serving.voila_main ARGS``.

Everything is Voila's own except what follows; most of it is switched on by settings that
``voila_args.py`` puts in ``--Voila.tornado_settings``:

- **Host check** (DNS rebinding). jupyter_server accepts a hostname from ``local_hostnames``
  but an IP address only when it is loopback, so the LAN address phones use would be refused
  too; an address listed in ``local_hostnames`` passes here. Voila's static file handlers
  are not jupyter_server handlers and skip the check altogether; they get it too.
- **Kernel limits** (``codesign_max_kernels``, ``codesign_max_kernels_per_client``): each
  page load is admitted by :class:`~codesign_widgets.serving.kernel_guard.KernelGuard` before it
  takes a kernel, and refused with a plain page (429 or 503) when over a limit.
- **Idle pages make room** (``codesign_idle_page_timeout``; :mod:`.idle_pages`): when the
  workshop is full, a page load first shuts down pages nobody acted on and nobody sees
  (hidden, or a locked phone whose heartbeat stopped), the busiest device's first.
- **Home page** (``codesign_home``): ``/`` and Voila's notebook listing redirect to the one
  page a role starts from, instead of listing the served notebooks.
- **gzip** (``compress_response``): Voila applies its tornado settings after building the
  application, too late for tornado to add compression; it is passed in at build time here.
- **Static files** (``static_files.py``): Voila's front end and the widget extensions are
  served a second time under addresses that name their version, cached by phones for a year
  and sent as gzip made once per file; the page's configuration points at those addresses.
- **Closing the sockets of a kernel that was shut down** (culled, reclaimed, or closed by its
  tab): jupyter_server leaves them open, so the page could not tell that every tap now goes
  nowhere. Closed, they let the page's banner (``codesign-connection.js``) offer a reload.
  A page's kernel that died (kill -9, out of memory) is shut down the same way instead of
  being restarted empty behind a page that still shows its widgets.
- **Sessions** (``codesign_owner_cookie``, ``codesign_hub_sessions``; see ``sessions.py``):
  every kernel belongs to the browser session that opened its page; its websocket, REST,
  shutdown and execution routes answer that session only (403 otherwise), and the
  request-info socket of a preheated kernel answers only the kernel itself. The facilitator
  server renders pages only for a signed-in facilitator session (``/codesign/sign-in``), and
  neither server renders a page into a frame or for a script. Small routes of our own:
  ``/codesign/alive`` (the page's heartbeat), ``/codesign/identity`` (the participant's
  HttpOnly token cookie, handed over by the kernel through ``/codesign/kernel/identity``),
  ``/codesign/join`` (the shared entry of several participant servers behind one proxy).
- **https** (``codesign_tls_cert``, ``codesign_tls_key``; ``codesign serve --tls``): both
  servers listen with the certificate ``codesign cert`` made (:mod:`.certs`).
- **Behind a reverse proxy** (``codesign_trust_xheaders``): the proxy's ``X-Real-IP`` and
  ``X-Forwarded-Proto`` are believed, so each phone is its own device again.
- **Logs without secrets**: the access log shows paths without query strings or kernel ids.
- **Lean activity watching**: jupyter_server's watcher of each kernel's activity receives
  only the kernel's status messages, not every widget update (see
  :func:`_install_lean_activity`).
- **Connections per address** (``codesign_max_connections_per_client``): one address holds
  at most so many HTTP and websocket connections at once
  (:class:`~codesign_widgets.serving.connection_cap.ConnectionCap`); one more is answered
  with a short 429 and closed before any handler runs, and logged once with a count.
"""

from __future__ import annotations

import contextlib
import inspect
import ipaddress
import logging
import sys
import weakref
from contextvars import ContextVar
from typing import Any

from . import hub_login, session_routes, static_files
from .connection_cap import REFUSED_LOG, ConnectionCap, refusal_response
from .idle_pages import DEFAULT_IDLE_AFTER, PAGE_ACTIVITY, PageActivity
from .kernel_guard import (
    DEFAULT_GRACE,
    REFUSAL_LOG,
    KernelGuard,
    PageBudget,
    Refusal,
    RepeatFilter,
    SecretFilter,
    Ticket,
    client_message_refused,
    refusal_page,
)

#: Logged (without ids) for each idle page shut down to make room in a full workshop.
IDLE_CULLED_LOG = "Shut down an idle page's kernel to make room: the workshop is full"
#: The admitted page load whose handler is running (the kernel manager reports to it).
_TICKET: ContextVar[Ticket | None] = ContextVar("codesign_ticket", default=None)
#: Open kernel websockets by kernel id, closed when their kernel is shut down.
_SOCKETS: dict[str, weakref.WeakSet] = {}
#: Close code and reason the page's banner reacts to (1001: "going away").
KERNEL_GONE = (1001, "The kernel of this page was shut down.")


def host_allowed(host_name: str, settings: dict[str, Any]) -> bool:
    """Whether a request with ``Host: host_name`` may be answered under ``settings``.

    jupyter_server's rule (remote access off: loopback addresses and ``local_hostnames``
    only), except that an IP address listed in ``local_hostnames`` passes too.
    """
    if settings.get("allow_remote_access", False):
        return True
    if host_name in settings.get("local_hostnames", ("localhost",)):
        return True
    if host_name and host_name == hub_login.public_host():  # JupyterHub's own address
        return True
    try:
        return ipaddress.ip_address(host_name.strip("[]")).is_loopback
    except ValueError:
        return False


def _install_host_check() -> None:
    import tornado.web
    from jupyter_server.base.handlers import JupyterHandler
    from voila.static_file_handler import (
        AllowListFileHandler,
        MultiStaticFileHandler,
        TemplateStaticFileHandler,
    )

    def check_host(self) -> bool:
        return host_allowed(self.request.host_name, self.settings)

    JupyterHandler.check_host = check_host

    for cls in (TemplateStaticFileHandler, MultiStaticFileHandler, AllowListFileHandler):
        original_prepare = cls.prepare

        def prepare(self, _original=original_prepare):
            if not host_allowed(self.request.host_name, self.settings):
                raise tornado.web.HTTPError(403, "Host not allowed")
            return _original(self)

        cls.prepare = prepare


def _guard(settings: dict[str, Any]) -> KernelGuard | None:
    total = int(settings.get("codesign_max_kernels", 0) or 0)
    per_client = int(settings.get("codesign_max_kernels_per_client", 0) or 0)
    if not (total or per_client):
        return None
    if "codesign_kernel_guard" not in settings:
        grace = float(settings.get("codesign_abandoned_page_grace", DEFAULT_GRACE))
        settings["codesign_kernel_guard"] = KernelGuard(total, per_client, grace=grace)
        # What the pages' heartbeats say (session_routes.Alive): idle pages make room.
        idle_after = float(settings.get("codesign_idle_page_timeout", DEFAULT_IDLE_AFTER))
        settings[PAGE_ACTIVITY] = PageActivity(idle_after)
    return settings["codesign_kernel_guard"]


async def _make_room(km: Any, guard: KernelGuard, activity: PageActivity | None) -> None:
    """A full workshop shuts down idle and abandoned pages, the busiest device's first."""
    if activity is None or not guard.full():
        return

    def abandoned(kernel_id: str) -> bool:
        return guard.abandoned(kernel_id, lambda k: _connections(km, k))

    for kernel_id in activity.make_room(guard.holders(), abandoned):
        logging.getLogger("tornado.application").warning(IDLE_CULLED_LOG)
        guard.release_kernel(kernel_id)
        with contextlib.suppress(Exception):  # already gone: nothing to give back
            await km.shutdown_kernel(kernel_id)
        if not guard.full():
            break


def _report_claims(km: Any) -> None:
    """Make the kernel manager tell the running page load which kernel it was given.

    A page takes a preheated kernel through ``get_rendered_notebook`` or starts one through
    ``start_kernel``; pool refills call the base class's ``start_kernel`` and are not seen.
    """
    if getattr(km, "_codesign_reports_claims", False):
        return
    km._codesign_reports_claims = True

    def claim(kernel_id: str) -> None:
        session_routes.claim_for_page(kernel_id)
        ticket = _TICKET.get()
        if ticket is not None:
            ticket.claim(kernel_id)

    if hasattr(km, "get_rendered_notebook"):
        rendered = km.get_rendered_notebook

        async def get_rendered_notebook(*args: Any, **kwargs: Any):
            result = await rendered(*args, **kwargs)
            claim(result[2])
            return result

        km.get_rendered_notebook = get_rendered_notebook

    start = km.start_kernel

    async def start_kernel(*args: Any, **kwargs: Any) -> str:
        kernel_id = start(*args, **kwargs)
        if inspect.isawaitable(kernel_id):
            kernel_id = await kernel_id
        claim(kernel_id)
        return kernel_id

    km.start_kernel = start_kernel


def _connections(km: Any, kernel_id: str) -> int:
    try:
        return int(km.kernel_model(kernel_id).get("connections", 0))
    except Exception:  # a kernel shut down meanwhile has no connections
        return 0


async def _admit(handler: Any, guard: KernelGuard) -> Ticket | Refusal:
    km = handler.kernel_manager
    _report_claims(km)
    client = handler.request.remote_ip or "unknown"
    guard.forget_gone(km.list_kernel_ids())
    activity = handler.settings.get(PAGE_ACTIVITY)
    if activity is not None:
        activity.forget_gone(km.list_kernel_ids())
    if guard.over_client_limit(client):
        # Reloaded and abandoned tabs of this device go first, oldest first.
        for kernel_id in guard.reclaimable(client, lambda k: _connections(km, k)):
            guard.release_kernel(kernel_id)
            with contextlib.suppress(Exception):  # already gone: nothing to give back
                await km.shutdown_kernel(kernel_id)
            if not guard.over_client_limit(client):
                break
    await _make_room(km, guard, activity)
    return guard.admit(client, km.list_kernel_ids())


def _install_page_guard() -> None:
    from voila.tornado.handler import TornadoVoilaHandler

    original_get = TornadoVoilaHandler.get

    async def get(self, path=None):
        if hub_login.enabled() and not await hub_login.check_page(self):
            return None  # sent to JupyterHub's login (or refused): no kernel started
        allowed, session = session_routes.page_session(self)
        if not allowed:
            return None
        _report_claims(self.kernel_manager)
        session_routes.OWNERS.forget_gone(self.kernel_manager.list_kernel_ids())
        page = session_routes.PAGE_SESSION.set(session)
        try:
            return await guarded_get(self, path)
        finally:
            session_routes.PAGE_SESSION.reset(page)

    async def guarded_get(self, path=None):
        guard = _guard(self.settings)
        if guard is None:
            return await original_get(self, path)
        outcome = await _admit(self, guard)
        if isinstance(outcome, Refusal):
            self.log.warning(REFUSAL_LOG.format(kind=outcome.kind, in_use=guard.in_use()))
            self.set_status(outcome.status)
            self.set_header("Retry-After", str(outcome.retry_after))
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(refusal_page(outcome, session_routes.browser_translator(self)))
            return None
        token = _TICKET.set(outcome)
        try:
            return await original_get(self, path)
        finally:
            _TICKET.reset(token)
            outcome.release()

    TornadoVoilaHandler.get = get


def _close_sockets_on_shutdown(km: Any) -> None:
    if getattr(km, "_codesign_closes_sockets", False):
        return
    km._codesign_closes_sockets = True
    shutdown = km.shutdown_kernel

    async def shutdown_kernel(kernel_id: str, *args: Any, **kwargs: Any) -> Any:
        try:
            result = shutdown(kernel_id, *args, **kwargs)
            return await result if inspect.isawaitable(result) else result
        finally:
            for handler in list(_SOCKETS.pop(kernel_id, ())):
                with contextlib.suppress(Exception):  # already closing: nothing to do
                    handler.close(*KERNEL_GONE)

    km.shutdown_kernel = shutdown_kernel


#: Kernels whose death (and automatic restart) is already being watched.
_WATCHED_RESTARTS: set[str] = set()


def _shut_down_when_restarted(km: Any, kernel_id: str) -> None:
    """A page's kernel that died (killed, out of memory) is shut down, not restarted.

    jupyter_client restarts a dead kernel, but the new one has not run the notebook: the page
    kept its widgets and every tap went nowhere, with no sign of it. Shut down, the kernel's
    sockets close with :data:`KERNEL_GONE`, and the page reloads by itself
    (``codesign-connection.js``): a new kernel, and the participant is welcomed back.
    """
    if kernel_id in _WATCHED_RESTARTS:
        return
    import asyncio

    def restarted() -> None:
        _WATCHED_RESTARTS.discard(kernel_id)

        async def shut_down() -> None:
            with contextlib.suppress(Exception):  # removed meanwhile: nothing to shut down
                await km.shutdown_kernel(kernel_id, now=True)

        asyncio.get_event_loop().create_task(shut_down())

    try:
        km.add_restart_callback(kernel_id, restarted, "restart")
        km.add_restart_callback(kernel_id, restarted, "dead")
    except Exception:  # a kernel already gone has no restarter
        return
    _WATCHED_RESTARTS.add(kernel_id)


def _install_socket_registry() -> None:
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    original_open = VoilaKernelWebsocketHandler.open
    original_on_close = VoilaKernelWebsocketHandler.on_close

    async def open(self, kernel_id: str, *args: Any, **kwargs: Any) -> Any:
        _close_sockets_on_shutdown(self.kernel_manager)
        _shut_down_when_restarted(self.kernel_manager, kernel_id)
        _SOCKETS.setdefault(kernel_id, weakref.WeakSet()).add(self)
        result = original_open(self, kernel_id, *args, **kwargs)
        return await result if inspect.isawaitable(result) else result

    def on_close(self) -> Any:
        kernel_id = getattr(self, "kernel_id", None)
        sockets = _SOCKETS.get(kernel_id)
        if sockets is not None:
            sockets.discard(self)
            if not sockets:
                _SOCKETS.pop(kernel_id, None)
        return original_on_close(self)

    VoilaKernelWebsocketHandler.open = open
    VoilaKernelWebsocketHandler.on_close = on_close


def _install_home() -> None:
    import tornado.web
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    original_get = TornadoVoilaTreeHandler.get

    async def get(self, path=""):
        home = self.settings.get("codesign_home")
        if not home:
            return await original_get(self, path)
        # The Host was checked already: the tree handler is a jupyter_server handler.
        if path.strip("/"):
            raise tornado.web.HTTPError(404, "There is no such page")
        # The query string goes along: `/?code=ABC123` lands on the join page with the code.
        query = f"?{self.request.query}" if self.request.query else ""
        self.redirect(f"{self.base_url}{home}{query}")
        return None

    TornadoVoilaTreeHandler.get = get


def _install_compression() -> None:
    from voila.app import Voila

    original_init_settings = Voila.init_settings

    def init_settings(self) -> dict[str, Any]:
        settings = original_init_settings(self)
        if self.tornado_settings.get("compress_response"):
            settings["compress_response"] = True
        settings["log_function"] = session_routes.log_request
        return settings

    Voila.init_settings = init_settings


#: Connection limits passed to tornado's HTTP server (half-open connections are dropped).
_CONNECTION_LIMITS = ("idle_connection_timeout", "body_timeout", "max_buffer_size", "max_body_size")


def _install_connection_limits() -> None:
    """Give tornado's HTTP server the ``codesign_*`` connection limits of the settings.

    By default tornado keeps an idle or half-open connection forever: a thousand of them
    reach the file limit and no phone can connect any more.
    """
    import tornado.web

    original_listen = tornado.web.Application.listen

    def listen(self, port: int, address: str = "", **kwargs: Any) -> Any:
        for name in _CONNECTION_LIMITS:
            value = self.settings.get(f"codesign_{name}")
            if value:
                kwargs.setdefault(name, value)
        if self.settings.get("codesign_trust_xheaders"):
            # Behind the studio's reverse proxy only (voila_args.py): X-Real-IP names the
            # phone, X-Forwarded-Proto the scheme.
            kwargs.setdefault("xheaders", True)
        if self.settings.get("codesign_tls_cert"):
            kwargs.setdefault("ssl_options", tls_context(self.settings))
        return original_listen(self, port, address, **kwargs)

    tornado.web.Application.listen = listen


def tls_context(settings: dict[str, Any]) -> Any:
    """The server side of ``--tls``: the certificate and key ``codesign cert`` made.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from codesign_widgets.serving.certs import make_certificates
    >>> files = make_certificates(Path(tempfile.mkdtemp()), ["127.0.0.1"])
    >>> settings = {"codesign_tls_cert": files.server_cert, "codesign_tls_key": files.server_key}
    >>> tls_context(settings).minimum_version.name
    'TLSv1_2'
    """
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(settings["codesign_tls_cert"], settings["codesign_tls_key"])
    return context


#: Seconds a refused connection may take to send its request before the 429 is sent anyway.
_REFUSAL_READ_S = 2.0
#: Refusals being answered; above _MAX_REFUSING at once, refused connections are just closed.
_REFUSING: set[Any] = set()
_MAX_REFUSING = 256


def _connection_cap(app: Any) -> ConnectionCap | None:
    settings = getattr(app, "settings", None)
    if not isinstance(settings, dict):
        return None
    per_client = int(settings.get("codesign_max_connections_per_client", 0) or 0)
    if not per_client:
        return None
    if "codesign_connection_cap" not in settings:
        settings["codesign_connection_cap"] = ConnectionCap(per_client)
    return settings["codesign_connection_cap"]


async def _refuse_connection(stream: Any) -> None:
    """Read the request (briefly: a client that sends nothing gets the answer anyway), answer
    429 and close. Reading first lets the client see the answer instead of a reset."""
    import asyncio

    with contextlib.suppress(Exception):  # gone, too slow or too long: answered or closed
        await asyncio.wait_for(stream.read_until_regex(b"\r?\n\r?\n", 65536), _REFUSAL_READ_S)
    with contextlib.suppress(Exception):  # the client left meanwhile
        await stream.write(refusal_response())
    stream.close()


def _install_connection_cap() -> None:
    """Count each address's open connections at accept time; refuse those over the cap."""
    import asyncio
    import logging

    from tornado.httpserver import HTTPServer

    original = HTTPServer.handle_stream
    log = logging.getLogger("tornado.general")

    def handle_stream(self, stream: Any, address: Any) -> None:
        cap = _connection_cap(self.request_callback)
        client = address[0] if isinstance(address, tuple) and address else "unix"
        if cap is None or cap.admit(str(client), stream):
            return original(self, stream, address)
        log.warning(REFUSED_LOG.format(client=client, cap=cap.per_client))
        if len(_REFUSING) >= _MAX_REFUSING:  # a flood of them: no answer, no file held
            stream.close()
            return None
        task = asyncio.ensure_future(_refuse_connection(stream))
        _REFUSING.add(task)
        task.add_done_callback(_REFUSING.discard)
        return None

    HTTPServer.handle_stream = handle_stream


def raise_file_limit() -> int:
    """Raise this process's open-file limit to the hard limit; return the new soft limit.

    Every phone holds a few sockets and every kernel a few more; the usual soft limit of
    1,024 is reached by a few hundred connections.
    """
    try:
        import resource
    except ImportError:  # not on this system: the limit stays
        return 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


_REPEATS = RepeatFilter()
_SECRETS = SecretFilter()


def _install_log_limits() -> None:
    """Every log handler of the server blanks keys and tokens (SecretFilter) and counts
    repeats instead of writing each (RepeatFilter)."""
    import logging

    from voila.app import Voila

    original_start = Voila.start

    def start(self) -> Any:
        loggers = [logging.getLogger(), self.log, *map(logging.getLogger, ("tornado", "Voila"))]
        loggers += [
            logger
            for logger in logging.Logger.manager.loggerDict.values()
            if isinstance(logger, logging.Logger)
        ]
        # logging.lastResort writes what reaches no handler (tornado's "404 GET ...: file
        # does not exist" lines, with the address as typed): filtered like the others.
        handlers = [h for logger in loggers for h in logger.handlers] + [logging.lastResort]
        for handler in handlers:
            for log_filter in (_SECRETS, _REPEATS):  # no key in a log line, no flood
                if handler is not None and log_filter not in handler.filters:
                    handler.addFilter(log_filter)
        return original_start(self)

    Voila.start = start


def _install_comm_guard() -> None:
    """Drop what a page may not send its kernel (``client_message_refused``)."""
    import json

    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1
    from jupyter_server.services.kernels.connection.channels import (
        ZMQChannelsWebsocketConnection,
    )

    original = ZMQChannelsWebsocketConnection.handle_incoming_message

    def read(subprotocol: str | None, ws_msg: Any) -> tuple[dict, dict | None] | None:
        """The header, and the content of the messages whose content is checked."""
        try:
            if subprotocol == "v1.kernel.websocket.jupyter.org":
                _channel, parts = deserialize_msg_from_ws_v1(ws_msg)
                header = json.loads(parts[0])
                wanted = header.get("msg_type") in ("comm_open", "comm_msg")
                content = json.loads(parts[3]) if wanted else None
            else:
                msg = json.loads(ws_msg)
                header, content = msg.get("header") or {}, msg.get("content")
        except (ValueError, IndexError, TypeError, AttributeError):
            return None  # jupyter_server rejects what it cannot read
        return header, content

    def handle_incoming_message(self, incoming_msg: Any) -> None:
        message = read(self.subprotocol, incoming_msg)
        if message is None:
            return original(self, incoming_msg)
        if client_message_refused(*message):
            self.log.warning("Refused a page's request to create a widget in its kernel")
            return None
        budget = self.__dict__.setdefault("_codesign_budget", PageBudget())
        why = budget.check(*message)
        if why == "flood":
            self.log.warning("Closed a page's socket: it sent messages faster than a page does")
            self.websocket_handler.close(1008, "Too many messages")
            return None
        if why == "repeat":
            self.log.warning("Dropped a page's repeated request for every widget's state")
            return None
        return original(self, incoming_msg)

    ZMQChannelsWebsocketConnection.handle_incoming_message = handle_incoming_message


#: The IOPub topics a kernel's activity watcher receives: ``kernel.<id>.status`` (busy and
#: idle around every message the page sends), ``execute_input``, ``error``, ``shutdown``.
ACTIVITY_TOPIC = b"kernel."


def _install_lean_activity() -> None:
    """jupyter_server watches every kernel's activity on a second IOPub socket and unpacks
    every message on it (signature, JSON, two dates parsed with dateutil), on top of the
    page's own socket that unpacks them again. A watching phone's kernel sends a few widget
    updates per card; with 60 phones that bookkeeping took a third of the participant server's
    CPU (py-spy). The watcher only needs the status messages: it subscribes to the kernel's
    own topics, and the widgets' messages (``comm-<id>`` topics) are not even sent to it.
    A kernel's page acting (a tap, a keystroke, the heartbeat) still counts as activity; its
    redraws for other people's work no longer do, so a closed tab's kernel in a busy room is
    culled like any other."""
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager

    original = MappingKernelManager.start_watching_activity
    if getattr(original, "_codesign_lean", False):
        return

    def start_watching_activity(self, kernel_id: str) -> None:
        original(self, kernel_id)
        stream = getattr(self._kernels[kernel_id], "_activity_stream", None)
        if stream is not None:
            stream.socket.unsubscribe(b"")
            stream.socket.subscribe(ACTIVITY_TOPIC)

    start_watching_activity._codesign_lean = True
    MappingKernelManager.start_watching_activity = start_watching_activity


def _install_no_contents_api() -> None:
    """No notebook listing or file model at ``/voila/api/contents``: it serves Voila's tree
    page, which the studio never shows, and told a phone which notebooks the server has."""
    from tornado import web
    from voila.tornado.contentshandler import VoilaContentsHandler

    async def get(self, path: str = "") -> None:
        raise web.HTTPError(404)

    VoilaContentsHandler.get = get


def main() -> None:
    """Patch Voila as described above, then run it with the command line's arguments."""
    from voila.app import main as voila_main

    hub_login.install()
    _install_host_check()
    _install_page_guard()
    _install_home()
    _install_socket_registry()
    _install_compression()
    session_routes.install_kernel_ownership()
    session_routes.install_routes()
    _install_connection_limits()
    _install_connection_cap()
    _install_comm_guard()
    _install_log_limits()
    _install_lean_activity()
    _install_no_contents_api()
    static_files.install()
    raise_file_limit()
    sys.exit(voila_main())


if __name__ == "__main__":
    main()
