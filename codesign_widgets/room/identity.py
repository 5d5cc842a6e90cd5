"""Keeps a participant's token in their browser so a reload or a sleeping phone comes back.

The token lives in ``localStorage`` and in a cookie scoped to the studio. A reload sends the
cookie with the page request (Voila hands it to the kernel as ``HTTP_COOKIE``), so the kernel
knows the participant while the notebook runs; ``localStorage`` is the fallback, offered once
the widget renders. The token is a bearer credential and never goes into the URL.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["IdentityKeeper", "cookie_name"]


def cookie_name(join_code: str) -> str:
    return f"codesign_{join_code}"


class IdentityKeeper(anywidget.AnyWidget):
    """Invisible widget: writes ``token`` into the browser, offers a stored one back."""

    _esm = """
    function cookieName(code) { return "codesign_" + code; }
    function write(model) {
      const code = model.get("workshop_code");
      const token = model.get("token");
      if (!code) return;
      const key = "codesign:" + code;
      try {
        if (token) {
          localStorage.setItem(key, token);
          document.cookie = cookieName(code) + "=" + token +
            "; path=/; max-age=172800; SameSite=Strict";
        } else if (model.get("forget")) {
          localStorage.removeItem(key);
          document.cookie = cookieName(code) + "=; path=/; max-age=0; SameSite=Strict";
        }
      } catch (e) { /* storage may be off in private mode: the cookie still works */ }
    }
    export default {
      render({ model, el }) {
        el.style.display = "none";
        const code = model.get("workshop_code");
        let stored = null;
        try { stored = code ? localStorage.getItem("codesign:" + code) : null; } catch (e) {}
        if (stored && !model.get("token")) {
          model.set("offered_token", stored);
          model.save_changes();
        }
        write(model);
        model.on("change:token", () => write(model));
        model.on("change:workshop_code", () => write(model));
        model.on("change:forget", () => write(model));
      },
    };
    """
    workshop_code = traitlets.Unicode("", help="Join code the token belongs to.").tag(sync=True)
    token = traitlets.Unicode("", help="Kernel to browser: the token to keep.").tag(sync=True)
    forget = traitlets.Bool(False, help="Kernel to browser: drop the stored token.").tag(sync=True)
    offered_token = traitlets.Unicode(
        "", help="Browser to kernel: a token found in localStorage (checked by the store)."
    ).tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.layout.display = "none"
