"""Keeps a participant recognisable after a reload, without page script ever holding the token.

Two things survive a reload: the page's address, which carries the workshop's join code
(``?code=...``, never the token), and an HttpOnly cookie holding the participant's token for
the workshop's day. The kernel hands the token to its own server (``hand_over``), which sets
the cookie when the page asks it to; a reload sends the cookie with the page request, so the
kernel knows the participant while the notebook runs ("Welcome back").
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets

__all__ = ["IdentityKeeper", "PageAddress"]


class PageAddress(anywidget.AnyWidget):
    """Invisible widget: puts ``?code=<workshop_code>`` in the page's address (no reload), so
    a reload or a bookmark opens the same workshop. Nothing secret goes into the address."""

    _esm = """
    function place(model) {
      const code = model.get("workshop_code");
      if (!code) return;
      try {
        const url = new URL(window.location.href);
        if (url.searchParams.get("code") === code) return;
        url.searchParams.set("code", code);
        window.history.replaceState(window.history.state, "", url.toString());
      } catch (e) { /* an address the browser will not rewrite: a reload asks again */ }
    }
    function collect() {
      // The server sets (or clears) the HttpOnly cookie its kernel handed over; under the
      // server's URL prefix, which Voila's page config names.
      let base = "/";
      try {
        base = JSON.parse(document.getElementById("jupyter-config-data").textContent).baseUrl;
      } catch (e) { /* no page config: the server answers at the root */ }
      if (!base.endsWith("/")) base += "/";
      return fetch(base + "codesign/identity", {method: "POST", credentials: "same-origin"})
        .catch(() => null);
    }
    export default {
      render({ model, el }) {
        el.style.display = "none";
        place(model);
        model.on("change:workshop_code", () => place(model));
        if (model.get("saved")) collect();
        model.on("change:saved", () => collect());
      },
    };
    """
    workshop_code = traitlets.Unicode("", help="Join code the page's address carries.").tag(
        sync=True
    )
    saved = traitlets.Int(
        0, help="Kernel to browser: counts hand-overs; the page then collects its cookie."
    ).tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.layout.display = "none"


class IdentityKeeper(PageAddress):
    """Keeps a participant's token in an HttpOnly cookie of this browser (see module doc).

    ``hand_over(code, token)`` gives the token (or "" to forget it) to the page's server;
    :func:`codesign_widgets.serving.voila_env.hand_over_token` in a served page, nothing in
    JupyterLab or a test. ``token`` and ``forget`` stay in the kernel (not synced).
    """

    token = traitlets.Unicode("", help="The token this browser keeps (kernel only).")
    forget = traitlets.Bool(False, help="Whether this browser was told to forget (kernel only).")

    def __init__(self, hand_over: Callable[[str, str], object] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._hand_over = hand_over

    def keep(self, token: str) -> None:
        """Remember ``token`` in this browser for the workshop's day."""
        self.forget = False
        self.token = token
        self._pass_on(token)

    def drop(self) -> None:
        """Make this browser forget its token (the participant can still rejoin elsewhere)."""
        self.forget = True
        self.token = ""
        self._pass_on("")

    def _pass_on(self, token: str) -> None:
        if self._hand_over is not None and self.workshop_code:
            self._hand_over(self.workshop_code, token)
        self.saved += 1
