// A phone that sleeps or walks out of Wi-Fi range, whose Wi-Fi stalls without closing the
// socket, or whose kernel was shut down (culled after a long sleep, the laptop restarted),
// would otherwise show a page that silently ignores or queues every tap. From here, before
// Voila opens anything:
// - the kernel's websocket is watched, and a heartbeat asks the server every few seconds
//   (`/codesign/alive`): a stalled connection shows the banner within 10 s;
// - while the banner shows, the page is inert: taps are refused, not queued for later;
// - when the kernel is gone for good and the server answers again, the page reloads by
//   itself: its address carries the join code and the browser its HttpOnly cookie, so the
//   new kernel rebuilds the page for the same person;
// - a page still empty some seconds after it loaded (its display was lost), or showing
//   "Error displaying widget" where a part of it should be, or "Loading widget..." 20 s after
//   its kernel answered or 75 s after loading (the front end asked for a widget its kernel
//   did not have, seen on busy laptops), loads again;
// - when the reverse proxy in front of several participant servers says this page's server
//   is gone (410 to the heartbeat, deploy/nginx-codesign.conf), the page reloads by itself
//   and the proxy sends it on to a server that is up (same person, through the cookie);
// - the heartbeat says whether the page is visible and was touched since the last beat, so a
//   full workshop makes room with pages nobody looks at (serving/idle_pages.py); a hidden
//   page whose kernel was shut down reloads only when it is looked at again.
(function () {
  "use strict";
  var Native = window.WebSocket;
  if (!Native) return;
  var KERNEL_CHANNELS = /\/api\/kernels\/([^/?#]+)\/channels/;
  var BEAT_MS = 2500; // heartbeat period
  var STALLED_MS = 7000; // no answer for this long: the connection is stalled
  var REOPEN_MS = 5000; // server back: time Jupyter gets to reopen the kernel's socket
  var EMPTY_MS = 10000; // after the page loaded: time for its widgets to appear
  var BROKEN_MS = 120000; // after the page loaded: how long a part failing to show is looked for
  var LOADING_MS = 20000; // kernel connected this long and a widget still "Loading": stuck
  var NO_KERNEL_MS = 75000; // no kernel connection this long after loading, and "Loading": stuck
  var KERNEL_GONE = 1001; // the server closes a shut-down kernel's sockets with this
  var MAX_RELOADS = 3; // automatic reloads per address within RELOAD_WINDOW_MS
  var RELOAD_WINDOW_MS = 120000;
  var open = 0;
  var everOpen = false;
  var openedAt = 0; // when the kernel's socket first opened
  var leaving = false;
  var kernelGone = false;
  var kernelId = null; // this page's kernel, from its websocket's address
  var acted = false; // touched since the last heartbeat
  var downSince = null; // when the kernel's socket was last seen closing
  var lastAnswer = Date.now();
  var stalled = false;
  var banner = null;
  var state = "ok";

  // In the workshop's language once the page knows it (codesign-lang.js); English before.
  function _(text) {
    var table = window.codesignText;
    return (table && table[text]) || text;
  }
  var TEXT = {
    reconnecting: _("Connection lost: this page is paused until it is back. Trying again\u2026"),
    restoring: _("Back in touch with the studio: bringing your page back\u2026"),
    empty: _("This page is still empty. Loading it again\u2026"),
    broken: _("Part of this page did not arrive. Loading it again\u2026"),
    lost: _(
      "The studio is not answering (check that this device is on the workshop's " +
        "Wi-Fi): this page comes back by itself when it answers, or tap Reload."
    ),
    failed: _(
      "This page could not come back by itself. Tap Reload; if it stays like this, " +
        "tell the facilitator."
    ),
  };

  function ensureBanner() {
    if (banner) return banner;
    banner = document.createElement("div");
    banner.id = "codesign-connection";
    banner.setAttribute("role", "alert");
    banner.hidden = true;
    var text = document.createElement("p");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = _("Reload");
    button.addEventListener("click", function () {
      window.location.reload();
    });
    banner.appendChild(text);
    banner.appendChild(button);
    document.body.insertBefore(banner, document.body.firstChild);
    return banner;
  }

  function setInert(on) {
    var main = document.getElementById("codesign-main");
    if (main) main.inert = on;
  }

  function show(next) {
    state = next;
    var b = ensureBanner();
    b.dataset.state = next;
    b.querySelector("p").textContent = _(TEXT[next]);
    b.querySelector("button").textContent = _("Reload");
    b.querySelector("button").hidden = next !== "lost" && next !== "failed";
    b.hidden = false;
    setInert(true);
  }

  function hide() {
    state = "ok";
    if (banner) banner.hidden = true;
    setInert(false);
  }

  // -- reloading by itself, a bounded number of times ---------------------------------------
  function recentReloads() {
    try {
      var key = "codesign-reloads:" + location.pathname + location.search;
      var now = Date.now();
      var list = JSON.parse(sessionStorage.getItem(key) || "[]").filter(function (t) {
        return now - t < RELOAD_WINDOW_MS;
      });
      return { key: key, list: list };
    } catch (e) {
      return null;
    }
  }

  function reloadByItself(why) {
    var seen = recentReloads();
    if (!seen || seen.list.length >= MAX_RELOADS) {
      show("failed");
      return;
    }
    seen.list.push(Date.now());
    try {
      sessionStorage.setItem(seen.key, JSON.stringify(seen.list));
    } catch (e) {}
    show(why);
    leaving = true;
    window.location.reload();
  }

  // -- the kernel's websocket -----------------------------------------------------------------
  function Watched(url, protocols) {
    var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    var found = KERNEL_CHANNELS.exec(String(url));
    if (!found) return ws;
    kernelId = found[1];
    var isOpen = false;
    ws.addEventListener("open", function () {
      isOpen = true;
      if (!everOpen) openedAt = Date.now();
      everOpen = true;
      open += 1;
      downSince = null;
      if (!stalled && state !== "empty") hide();
    });
    ws.addEventListener("close", function (event) {
      if (isOpen) open -= 1;
      isOpen = false;
      if (leaving || !everOpen || open > 0) return;
      if (event.code === KERNEL_GONE) kernelGone = true;
      if (downSince === null) downSince = Date.now();
      if (state === "ok") show("reconnecting");
    });
    return ws;
  }
  Watched.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) {
    Watched[k] = Native[k];
  });
  window.WebSocket = Watched;

  // -- the heartbeat --------------------------------------------------------------------------
  // Under the server's URL prefix (`codesign serve --base-url /p1/`): Voila's page config.
  function baseUrl() {
    try {
      var config = document.getElementById("jupyter-config-data");
      var base = config ? JSON.parse(config.textContent).baseUrl : "/";
      return base && base.charAt(base.length - 1) === "/" ? base : (base || "") + "/";
    } catch (e) {
      return "/";
    }
  }

  function beat() {
    if (leaving) return;
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () {
      if (controller) controller.abort();
    }, BEAT_MS + 500);
    var query = "";
    if (kernelId) {
      query =
        "?k=" +
        encodeURIComponent(kernelId) +
        "&v=" +
        (document.visibilityState === "hidden" ? "0" : "1") +
        "&a=" +
        (acted ? "1" : "0");
      acted = false;
    }
    fetch(baseUrl() + "codesign/alive" + query, {
      cache: "no-store",
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        clearTimeout(timer);
        if (response.ok) answered();
        // Only the reverse proxy says 410: this page's server is gone, another one is up.
        else if (response.status === 410 && everOpen && open === 0) serverGone();
      })
      .catch(function () {
        clearTimeout(timer);
      });
  }

  function answered() {
    lastAnswer = Date.now();
    if (stalled) {
      stalled = false;
      if (open > 0) hide();
    }
    // The server answers, yet the kernel's socket stays closed: the kernel is gone (culled,
    // or the studio restarted). A new page load brings the same person back, once someone
    // looks at the page: a hidden page reloading would take a place nobody uses.
    if (document.visibilityState === "hidden") return;
    if (everOpen && open === 0 && downSince !== null) {
      if (kernelGone || Date.now() - downSince > REOPEN_MS) reloadByItself("restoring");
    }
  }

  function serverGone() {
    kernelGone = true;
    if (downSince === null) downSince = Date.now();
    reloadByItself("restoring");
  }

  function check() {
    if (leaving || !everOpen) return;
    if (Date.now() - lastAnswer > STALLED_MS) {
      if (!stalled) {
        stalled = true;
        show("reconnecting");
      } else if (Date.now() - lastAnswer > 4 * STALLED_MS && state === "reconnecting") {
        show("lost");
      }
    }
  }

  setInterval(function () {
    beat();
    check();
  }, BEAT_MS);

  // -- a page whose display was lost ------------------------------------------------------------
  // Voila's widget renderer writes this text, in an element of class jupyter-widgets, where a
  // widget its kernel does not hold should be.
  var NOT_DISPLAYED = /^Error displaying widget/;

  // A widget whose model never comes keeps the renderer's placeholder for good.
  var LOADING = "Loading widget...";

  function broken(main, since) {
    var parts = main.querySelectorAll(".jupyter-widgets");
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i].children.length && NOT_DISPLAYED.test(parts[i].textContent)) return true;
    }
    // Waiting for the kernel is normal (a join wave on a small laptop takes up to a minute);
    // still waiting long after it answered, or long after that minute, is not.
    var waited = everOpen ? Date.now() - openedAt >= LOADING_MS : since >= NO_KERNEL_MS;
    if (!waited) return false;
    var all = main.getElementsByTagName("*");
    for (var j = 0; j < all.length; j++) {
      if (!all[j].children.length && all[j].textContent === LOADING) return true;
    }
    return false;
  }

  window.addEventListener("load", function () {
    var loaded = Date.now();
    var emptyChecked = false;
    var watch = setInterval(function () {
      var main = document.getElementById("codesign-main");
      var since = Date.now() - loaded;
      if (!main || leaving || since > BROKEN_MS) return clearInterval(watch);
      if (broken(main, since)) {
        clearInterval(watch);
        reloadByItself("broken");
      } else if (!emptyChecked && since >= EMPTY_MS) {
        emptyChecked = true;
        if (!main.querySelector(".jupyter-widgets, .widget-output, .jp-OutputArea-output")) {
          clearInterval(watch);
          reloadByItself("empty");
        }
      }
    }, 1000);
  });

  // -- is anyone there? -------------------------------------------------------------------------
  ["pointerdown", "keydown", "touchstart", "input"].forEach(function (name) {
    window.addEventListener(
      name,
      function () {
        acted = true;
      },
      { capture: true, passive: true }
    );
  });
  // Hidden or shown: the server hears it at once, and a page shown again catches up.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") acted = true;
    beat();
  });

  // A reload or a closed tab closes the socket too: that is not a lost connection.
  window.addEventListener("pagehide", function () {
    leaving = true;
  });
  window.addEventListener("beforeunload", function () {
    leaving = true;
  });
  // Back from the browser's page cache (phones do this): the old sockets are gone.
  window.addEventListener("pageshow", function (event) {
    leaving = false;
    if (event.persisted && everOpen && open === 0) {
      kernelGone = true;
      downSince = Date.now();
      show("reconnecting");
      beat();
    }
  });
})();
