"""``/codesign/enter``: the join link answered with a plain HTML form (:mod:`..quick_join`).

GET with no code shows the code form; with a code, the workshop's join form (or, for a
browser whose cookie already names someone in it, the activity page at once). POST joins
with the studio's own store call, sets the participant's HttpOnly cookie (the one the widget
page sets) and answers "see other": the GET of ``?code=...&joined=1`` says "You're in" and
opens the activity page, which knows the person from the cookie. So a reload or the back
button never posts the form again, and a form posted again by a browser whose cookie names
someone in the workshop joins no one: it opens that person's page. Every check is the
store's; a POST is taken only from a page of this server (``Sec-Fetch-Site``, else
``Origin``; the cookies are SameSite=Strict too).
Runs in the participant server's process; the store is called off the event loop.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

from ..core.backoff import Backoff
from ..core.errors import CodesignError
from ..core.i18n import N_, Translator
from ..quick_join import FormFields, QuickJoin, code_page, join_page, joined_page
from .sessions import end_of_day, token_cookie_name

#: The form's address under the server's base URL.
ENTER = "codesign/enter"
#: Where a joined phone goes: the participant page, which restores the person from the cookie.
NEXT_PAGE = "voila/render/join.ipynb?code={code}"
#: Where "You're in" sends a person who has just joined (the page greets them so, not "Welcome
#: back").
JUST_JOINED_PAGE = NEXT_PAGE + "&joined=1"
#: A form posted from another site's page.
ELSEWHERE = N_("This page belongs to another browser. Open your own link instead.")
#: Clients whose wrong codes are counted (oldest forgotten first).
_CLIENTS = 2000


class WrongCodes:
    """A :class:`~..core.backoff.Backoff` per client address: a script cannot guess codes
    through the form faster than through the widget page.

    >>> tries = WrongCodes()
    >>> for _ in range(6):
    ...     tries.failed("10.0.0.9")
    >>> tries.wait("10.0.0.9") > 0, tries.wait("10.0.0.8")
    (True, 0.0)
    """

    def __init__(self) -> None:
        self._clients: OrderedDict[str, Backoff] = OrderedDict()

    def _of(self, client: str) -> Backoff:
        backoff = self._clients.pop(client, None) or Backoff()
        self._clients[client] = backoff
        while len(self._clients) > _CLIENTS:
            self._clients.popitem(last=False)
        return backoff

    def wait(self, client: str) -> float:
        """Seconds ``client`` must wait before its next code is looked up."""
        return self._of(client).wait()

    def failed(self, client: str) -> None:
        """``client`` typed a code that opens nothing."""
        self._of(client).failed()

    def succeeded(self, client: str) -> None:
        """``client`` typed a right code."""
        self._of(client).succeeded()


def same_origin(headers: Any, host: str) -> bool:
    """Whether a form post came from a page of this server. A browser says so in
    ``Sec-Fetch-Site`` (which no page can set); one too old to send it names the page's
    ``Origin`` (``null`` from a page that sends no referrer: refused, as another site's).

    >>> same_origin({"Sec-Fetch-Site": "same-origin", "Origin": "null"}, "a:1")
    True
    >>> same_origin({"Sec-Fetch-Site": "cross-site", "Origin": "http://a:1"}, "a:1")
    False
    >>> same_origin({"Origin": "http://a:1"}, "a:1"), same_origin({"Origin": "http://b"}, "a:1")
    (True, False)
    >>> same_origin({"Origin": "null"}, "a:1"), same_origin({}, "a:1")
    (False, True)
    """
    site = headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == host


def handler_class() -> type:
    """The tornado handler of :data:`ENTER` (built late: jupyter_server is imported then).

    >>> sorted(m for m in ("get", "post", "put") if m in vars(handler_class()))
    ['get', 'post']
    """
    from jupyter_server.base.handlers import JupyterHandler
    from tornado.ioloop import IOLoop

    from .kernel_guard import SERVER_FULL
    from .session_routes import browser_translator, set_session_cookie
    from .static_files import prefetch_files

    class Enter(JupyterHandler):
        """The join form without JavaScript (see the module's docstring)."""

        joins = QuickJoin()
        wrong_codes = WrongCodes()

        def check_xsrf_cookie(self) -> None:
            return None  # a form of its own: checked by same_origin() in post()

        def prepare(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Security-Policy", "frame-ancestors 'none'")
            # Not no-referrer: Chromium would then post the form with `Origin: null`.
            self.set_header("Referrer-Policy", "same-origin")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            return super().prepare()

        @property
        def action(self) -> str:
            return f"{self.base_url}{ENTER}"

        def _answer(self, page: str, status: int = 200) -> None:
            self.set_status(status)
            self.finish(page)

        def _typed(self, name: str, default: str = "") -> str:
            """A posted field as typed: tornado's own getter would turn control characters
            into spaces; the store's ``clean_text`` is the one that decides, as for widgets."""
            values = self.request.body_arguments.get(name)
            return values[0].decode("utf-8", "replace") if values else default

        async def _call(self, fn: Any, *args: Any) -> Any:
            return await IOLoop.current().run_in_executor(None, fn, *args)

        def _too_many(self, tr: Translator, code: str) -> bool:
            left = self.wrong_codes.wait(self.request.remote_ip or "unknown")
            if not left:
                return False
            seconds = math.ceil(left)
            said = tr.ngettext(
                "Too many wrong codes on this page. Wait {n} second, then type the code "
                "shown on the big screen.",
                "Too many wrong codes on this page. Wait {n} seconds, then type the code "
                "shown on the big screen.",
                seconds,
            ).format(n=seconds)
            self.set_header("Retry-After", str(seconds))
            self._answer(code_page(tr, self.action, code, said, prefetch_files(self.base_url)), 429)
            return True

        async def get(self) -> None:
            browser = browser_translator(self)
            code = self.get_argument("code", "").strip()[:32]
            if not code:
                self._answer(
                    code_page(browser, self.action, prefetch=prefetch_files(self.base_url))
                )
                return
            if self._too_many(browser, code):
                return
            client = self.request.remote_ip or "unknown"
            try:
                workshop, template, tr = await self._call(self.joins.workshop, code)
            except CodesignError as exc:
                self.wrong_codes.failed(client)
                said = exc.translated(browser)
                self._answer(
                    code_page(browser, self.action, code, said, prefetch_files(self.base_url)), 404
                )
                return
            self.wrong_codes.succeeded(client)
            token = self.get_cookie(token_cookie_name(workshop.code))
            name = await self._call(self.joins.returning, workshop, token) if token else None
            just_joined = self.get_argument("joined", "") == "1"
            if name is not None and just_joined:
                # Just posted the form: "You're in" at once, then the activity page.
                next_page = self.base_url + JUST_JOINED_PAGE.format(code=workshop.code)
                self._answer(joined_page(tr, name, next_page, prefetch_files(self.base_url)))
                return
            if name is not None or just_joined:
                # Known here already; or joined but the browser kept no cookie (cookies off):
                # the widget page then asks again and keeps the person for as long as it is open.
                self.redirect(self.base_url + NEXT_PAGE.format(code=workshop.code))
                return
            self._answer(
                join_page(
                    tr, workshop, template, self.action, prefetch=prefetch_files(self.base_url)
                )
            )

        async def _already_in(self, code: str) -> bool:
            """A browser whose cookie names someone in the workshop posted its form again
            (the back button to a form page, a resubmission): no second person; their page."""
            try:
                workshop, _template, _tr = await self._call(self.joins.workshop, code)
            except CodesignError:
                return False
            token = self.get_cookie(token_cookie_name(workshop.code))
            if not token or await self._call(self.joins.returning, workshop, token) is None:
                return False
            self.redirect(self.base_url + NEXT_PAGE.format(code=workshop.code), status=303)
            return True

        async def post(self) -> None:
            browser = browser_translator(self)
            if not same_origin(self.request.headers, self.request.host):
                self.log.warning("Refused a join form posted from another site")
                self._answer(code_page(browser, self.action, error=browser.gettext(ELSEWHERE)), 403)
                return
            code = self.get_body_argument("code", "").strip()[:32]
            if self._too_many(browser, code):
                return
            if await self._already_in(code):
                return
            fields = FormFields.from_form(self._typed)
            guard = self.settings.get("codesign_kernel_guard")
            full = guard is not None and guard.total and guard.in_use() >= guard.total
            outcome = await self._call(
                lambda: self.joins.join(
                    code,
                    fields,
                    self.action,
                    browser,
                    prefetch_files(self.base_url),
                    (SERVER_FULL.title, SERVER_FULL.advice) if full else (),
                )
            )
            if outcome.status == 404:
                self.wrong_codes.failed(self.request.remote_ip or "unknown")
            if outcome.token:
                set_session_cookie(
                    self, token_cookie_name(outcome.code), outcome.token, end_of_day()
                )
                self.redirect(f"{self.action}?code={outcome.code}&joined=1", status=303)
                return
            self._answer(outcome.page, outcome.status)

    return Enter
