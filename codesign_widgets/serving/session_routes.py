"""The server side of :mod:`.sessions`: who may render a page and reach a kernel.

Installed into Voila by ``voila_main.py``; runs in the server process only. Every refusal is
logged as one line that names the route, never a kernel id, token or key.
"""

from __future__ import annotations

import hmac
import html
import inspect
import json
import os
import re
import time
from contextvars import ContextVar
from typing import Any

from ..core.i18n import N_, Translator, negotiate, translator
from . import hub_login
from .idle_pages import PAGE_ACTIVITY
from .sessions import (
    HUB_COOKIE,
    KERNEL_SECRET_ENV,
    KERNEL_SECRET_HEADER,
    PAGE_COOKIE,
    HubSessions,
    KernelOwners,
    end_of_day,
    new_session_id,
    token_cookie_name,
    valid_session_id,
)

#: Which session opened which kernel (one server per process).
OWNERS = KernelOwners()
#: The session of the page load whose handler is running (the kernel manager reports to it).
PAGE_SESSION: ContextVar[str | None] = ContextVar("codesign_page_session", default=None)
#: Token cookies a kernel asked to set, waiting for its page to collect them, by session.
_MAILBOX: dict[str, list[tuple[str, str]]] = {}
_CODE = re.compile(r"^[A-Z0-9]{3,16}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,100}$")
_NOTEBOOK = re.compile(r"^[A-Za-z0-9_-]{1,64}\.ipynb$")
#: ``Sec-Fetch-Dest`` values of a page opened as a page (not a frame, image or script fetch).
_AS_A_PAGE = {"document", ""}


def browser_translator(handler: Any) -> Translator:
    """The words of the language the request's browser asks for first (``Accept-Language``):
    these pages come before any workshop, so its plan's language is not known."""
    return translator(negotiate(handler.request.headers.get("Accept-Language")))


def _page(tr: Translator, title: str, text: str) -> str:
    """A small self-contained page in ``tr``'s language (fixed text only, nothing from the
    request); ``{command}`` in ``text`` becomes the studio's command, as code."""
    title = html.escape(tr.gettext(title))
    text = html.escape(tr.gettext(text)).format(command="<code>codesign serve</code>")
    return (
        f"<!doctype html><html lang='{tr.language}' dir='{tr.direction}'><head>"
        "<meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:1.5rem;font-size:1.1rem;"
        "line-height:1.5;max-width:36rem}h1{font-size:1.5rem;line-height:1.3}"
        "code{font-size:1rem}</style></head><body>"
        f"<main><h1>{title}</h1><p>{text}</p></main></body></html>"
    )


#: The sign-in pages' words: title, then text (``{command}``: the studio's command).
SIGN_IN = (
    N_("Sign in to the facilitator hub"),
    N_(
        "This page opens only in a browser signed in with the hub link that {command} "
        "printed in its terminal on this laptop. Open that link (each link works once; "
        "press Enter in the terminal for a new one)."
    ),
)
USED_LINK = (
    N_("This sign-in link was used already"),
    N_(
        "Each hub link works once. Press Enter in the terminal where {command} runs for a "
        "new link, and open it in this browser."
    ),
)


def sign_in_page(tr: Translator, words: tuple[str, str] = SIGN_IN) -> str:
    """The hub page for a browser that is not signed in (``words=USED_LINK``: for a
    sign-in link used already or too old), in ``tr``'s language.

    >>> "<code>codesign serve</code>" in sign_in_page(translator("cy"))
    True
    >>> "<html lang='es'" in sign_in_page(translator("es"), USED_LINK)
    True
    """
    return _page(tr, *words)


NOT_YOURS = N_("This page belongs to another browser. Open your own link instead.")


def _log(handler: Any) -> Any:
    """The handler's logger (Voila's own handlers have none: tornado's then)."""
    from tornado.log import app_log

    return getattr(handler, "log", None) or app_log


def _refuse(handler: Any, what: str, status: int = 403) -> None:
    _log(handler).warning("Refused %s: not the page that opened this kernel", what)
    handler.set_status(status)
    handler.set_header("Cache-Control", "no-store")
    handler.set_header("Content-Type", "text/plain; charset=utf-8")
    handler.finish(browser_translator(handler).gettext(NOT_YOURS))


def set_session_cookie(handler: Any, name: str, value: str, expires: float) -> None:
    """Set an HttpOnly, SameSite=Strict cookie for the whole host until ``expires``.

    >>> class Handler:
    ...     class request:
    ...         protocol = "http"
    ...     def set_cookie(self, name, value, **how):
    ...         print(name, value, how["path"], how["httponly"], how["samesite"], how["secure"])
    >>> set_session_cookie(Handler(), "codesign_ABC123", "t0ken", 0)
    codesign_ABC123 t0ken / True Strict False
    """
    handler.set_cookie(
        name,
        value,
        # The whole host, not the server's --base-url: behind a reverse proxy a phone whose
        # server /p1/ went down reloads onto /p2/ and must still be the same person there.
        path="/",
        expires=expires,
        httponly=True,
        samesite="Strict",
        secure=handler.request.protocol == "https",
    )


def _hub_sessions(settings: dict[str, Any]) -> HubSessions | None:
    """The facilitator sessions when this is the facilitator server (file named in the env)."""
    if not settings.get("codesign_hub_signin"):
        return None
    sessions = HubSessions.from_env()
    if sessions is None:
        msg = "the facilitator server needs CODESIGN_HUB_SESSIONS (start it with codesign serve)"
        raise RuntimeError(msg)
    return sessions


def _opened_as_a_page(handler: Any) -> bool:
    """Whether the browser asked for this as a page of its own (not in a frame or fetch)."""
    return handler.request.headers.get("Sec-Fetch-Dest", "") in _AS_A_PAGE


def _from_elsewhere(handler: Any) -> bool:
    """Whether another site (another origin, even on this laptop) caused this request."""
    return handler.request.headers.get("Sec-Fetch-Site", "none") not in ("none", "same-origin")


def page_session(handler: Any) -> tuple[bool, str | None]:
    """Decide whether a page may be rendered; ``(allowed, session)``.

    When not allowed, the handler has answered already (a sign-in page, no kernel).
    """
    settings = handler.settings
    handler.set_header("Content-Security-Policy", "frame-ancestors 'none'")
    handler.set_header("Referrer-Policy", "no-referrer")
    if not _opened_as_a_page(handler):
        handler.log.warning("Refused a page requested from a frame or a script")
        handler.set_status(403)
        handler.set_header("Cache-Control", "no-store")
        tr = browser_translator(handler)
        handler.finish(sign_in_page(tr) if _hub_sessions(settings) else tr.gettext(NOT_YOURS))
        return False, None
    hub = _hub_sessions(settings)
    if hub is not None:
        session = handler.get_cookie(HUB_COOKIE)
        if hub_login.enabled() and not _from_elsewhere(handler) and not hub.signed_in(session):
            # JupyterHub signed this facilitator in (voila_main checked it before this): the
            # browser gets a hub session of its own, which its kernels and workshops belong to.
            session = hub.open_session()
            set_session_cookie(handler, HUB_COOKIE, session, time.time() + hub.lifetime)
        if _from_elsewhere(handler) or not hub.signed_in(session):
            handler.log.warning("Refused a hub page to a browser that is not signed in")
            handler.set_status(403)
            handler.set_header("Cache-Control", "no-store")
            handler.set_header("Content-Type", "text/html; charset=utf-8")
            handler.finish(sign_in_page(browser_translator(handler)))
            return False, None
        return True, session
    if settings.get("codesign_owner_cookie") == PAGE_COOKIE:
        session = handler.get_cookie(PAGE_COOKIE)
        if not valid_session_id(session):
            session = new_session_id()
        set_session_cookie(handler, PAGE_COOKIE, session, end_of_day())
        return True, session
    return True, None


def claim_for_page(kernel_id: str) -> None:
    """The running page load was given ``kernel_id``: it belongs to that page's session."""
    OWNERS.claim(kernel_id, PAGE_SESSION.get())


def install_kernel_ownership() -> None:
    """Answer a kernel's routes only for the session that opened it."""
    from jupyter_server.services.kernels.handlers import KernelHandler
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
    from voila.tornado.execution_request_handler import ExecutionRequestHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    routes = {
        KernelHandler: "a kernel API request",
        VoilaKernelWebsocketHandler: "a kernel connection",
        VoilaShutdownKernelHandler: "a kernel shutdown",
        ExecutionRequestHandler: "an execution request",
    }
    for cls, what in routes.items():
        original = cls.prepare

        async def prepare(self, *args: Any, _original=original, _what=what, **kwargs: Any):
            cookie = self.settings.get("codesign_owner_cookie")
            if hub_login.enabled() and await hub_login.signed_in(self) is None:
                _refuse(self, _what)  # signed out of JupyterHub, or never signed in
                return None
            if cookie:
                kernel_id = self.path_kwargs.get("kernel_id") or (
                    self.path_args[0] if self.path_args else ""
                )
                if not OWNERS.allows(kernel_id, self.get_cookie(cookie)):
                    _refuse(self, _what)
                    return None
            result = _original(self, *args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        cls.prepare = prepare

    from .voila_main import host_allowed

    def query_prepare(self) -> None:
        # Only the kernel itself may fetch its page's request (it carries the page's cookies).
        secret = os.environ.get(KERNEL_SECRET_ENV, "")
        sent = self.request.headers.get(KERNEL_SECRET_HEADER, "")
        if not host_allowed(self.request.host_name, self.settings) or (
            secret and not hmac.compare_digest(sent, secret)
        ):
            _log(self).warning("Refused a request-info connection that is not from a kernel")
            self.set_status(403)
            self.finish()

    RequestInfoSocketHandler.prepare = query_prepare


def _handlers() -> list[tuple[str, type]]:
    from jupyter_server.base.handlers import JupyterHandler

    from .join_form import ENTER, handler_class

    class Alive(JupyterHandler):
        """The page's heartbeat: answers at once, starts nothing. On the participant server
        it also says whether its page is visible and was touched (``?k=<kernel>&v=1&a=0``),
        heard only from the session owning that kernel (idle_pages.py)."""

        def check_xsrf_cookie(self) -> None:
            return None

        def get(self) -> None:
            activity = self.settings.get(PAGE_ACTIVITY)
            kernel_id = self.get_argument("k", "")
            cookie = self.settings.get("codesign_owner_cookie")
            owned = bool(activity is not None and kernel_id and cookie) and OWNERS.allows(
                kernel_id, self.get_cookie(cookie)
            )
            if owned:
                visible, acted = self.get_argument("v", "1"), self.get_argument("a", "0")
                activity.report(kernel_id, visible=visible != "0", acted=acted == "1")
            self.set_header("Cache-Control", "no-store")
            self.set_status(204)
            self.finish()

    class SignIn(JupyterHandler):
        """``/codesign/sign-in?token=...``: exchange a one-time link for the hub cookie."""

        def get(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.set_header("Referrer-Policy", "no-referrer")
            hub = _hub_sessions(self.settings)
            if hub_login.enabled():
                hub_login.refuse(self, "a sign-in link: JupyterHub signs in", hub_login.NO_LINKS)
                return
            redeemed = hub.redeem(self.get_argument("token", "")) if hub else None
            if redeemed is None:
                self.log.warning("Refused a sign-in link that is unknown, used or too old")
                self.set_status(403)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(sign_in_page(browser_translator(self), USED_LINK))
                return
            session, code = redeemed
            set_session_cookie(self, HUB_COOKIE, session, time.time() + hub.lifetime)
            page = self.get_argument("page", "facilitator.ipynb")
            if not _NOTEBOOK.match(page):
                page = "facilitator.ipynb"
            query = f"?code={code}" if _CODE.match(code or "") else ""
            # A clean address: the used token leaves the address bar (and the history).
            self.redirect(f"{self.base_url}voila/render/{page}{query}")

    class SignOut(JupyterHandler):
        def get(self) -> None:
            hub = _hub_sessions(self.settings)
            if hub is not None:
                hub.sign_out(self.get_cookie(HUB_COOKIE))
                self.clear_cookie(HUB_COOKIE, path="/")
                hub_login.sign_out(self)
            self.redirect(self.base_url)

    class KernelIdentity(JupyterHandler):
        """A participant kernel hands over its person's token for its page to collect."""

        def check_xsrf_cookie(self) -> None:
            return None

        def post(self) -> None:
            secret = os.environ.get(KERNEL_SECRET_ENV, "")
            sent = self.request.headers.get(KERNEL_SECRET_HEADER, "")
            if not secret or not hmac.compare_digest(sent, secret):
                self.log.warning("Refused an identity hand-over that is not from a kernel")
                self.set_status(403)
                self.finish()
                return
            try:
                body = json.loads(self.request.body or b"{}")
                kernel_id, code, token = body["kernel_id"], body["code"], body["token"]
            except (ValueError, KeyError, TypeError):
                self.set_status(400)
                self.finish()
                return
            owner = OWNERS.owner(str(kernel_id))
            if owner and _CODE.match(str(code)) and (token == "" or _TOKEN.match(str(token))):
                waiting = _MAILBOX.setdefault(owner, [])
                waiting[:] = [*waiting[-8:], (str(code), str(token))]
            self.set_status(204)
            self.finish()

    class PageIdentity(JupyterHandler):
        """The page collects what its kernel handed over: HttpOnly token cookies."""

        def check_xsrf_cookie(self) -> None:
            return None

        def post(self) -> None:
            self.set_header("Cache-Control", "no-store")
            if _from_elsewhere(self):
                self.set_status(403)
                self.finish()
                return
            session = self.get_cookie(PAGE_COOKIE)
            for code, token in _MAILBOX.pop(session, []) if valid_session_id(session) else []:
                if token:
                    set_session_cookie(self, token_cookie_name(code), token, end_of_day())
                else:
                    self.clear_cookie(token_cookie_name(code), path="/")
            self.set_status(204)
            self.finish()

    class Join(JupyterHandler):
        """``/codesign/join?code=...``: the entry a reverse proxy shares out among several
        participant servers (any of them may answer); each sends the phone to its own join
        page, under its own prefix, where it stays (its kernel lives in this server): the
        HTML join form, which opens this server's activity page."""

        def get(self) -> None:
            self.set_header("Cache-Control", "no-store")
            code = self.get_argument("code", "").strip().upper()
            query = f"?code={code}" if _CODE.match(code) else ""
            self.redirect(f"{self.base_url}{ENTER}{query}")

    return [
        (rf"/{ENTER}", handler_class()),
        (r"/codesign/join", Join),
        (r"/codesign/alive", Alive),
        (r"/codesign/sign-in", SignIn),
        (r"/codesign/sign-out", SignOut),
        (r"/logout", SignOut),
        (r"/login", SignOut),
        (r"/codesign/kernel/identity", KernelIdentity),
        (r"/codesign/identity", PageIdentity),
    ]


def install_routes() -> None:
    """Put the routes above in front of Voila's own (``/logout`` included)."""
    from jupyter_server.utils import url_path_join
    from voila.app import Voila

    original = Voila.init_handlers

    def init_handlers(self) -> list:
        handlers = [*_handlers(), *hub_login.routes()]
        ours = [(url_path_join(self.server_url, path), cls) for path, cls in handlers]
        if self.server_url.strip("/"):
            # The shared entry answers outside the prefix too: the proxy sends `/` of the
            # whole studio to whichever participant server is up (deploy/nginx-codesign.conf).
            ours += [(path, cls) for path, cls in handlers if path == r"/codesign/join"]
        return [*ours, *original(self)]

    Voila.init_handlers = init_handlers


_KERNEL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def log_request(handler: Any) -> None:
    """The access log, without query strings (codes, tokens) or kernel ids."""
    status = handler.get_status()
    path = _KERNEL_ID.sub("<kernel>", handler.request.path)
    millis = 1000.0 * handler.request.request_time()
    logger = _log(handler)
    if status >= 500:
        log = logger.error
    elif status >= 400:
        log = logger.warning
    else:
        log = logger.debug
    log("%d %s %s %.0f ms", status, handler.request.method, path, millis)
