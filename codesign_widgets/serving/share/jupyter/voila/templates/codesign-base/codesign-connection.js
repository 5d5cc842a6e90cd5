// A phone that sleeps or walks out of Wi-Fi range, or whose kernel was shut down (culled
// after a long sleep, the laptop restarted), would otherwise show a page that silently
// ignores every tap. The kernel's websocket is watched from here, before Voila opens it:
// while it is down a banner says so, and when it stays down the banner offers a reload,
// which brings a participant back where they were (their token is in a cookie).
(function () {
  "use strict";
  var Native = window.WebSocket;
  if (!Native) return;
  var KERNEL_CHANNELS = /\/api\/kernels\/[^/?#]+\/channels/;
  var GIVE_UP_MS = 15000; // Jupyter's own reconnection tries for about this long
  var open = 0;
  var everOpen = false;
  var leaving = false;
  var lostTimer = null;
  var banner = null;
  var lost = false;

  function ensureBanner() {
    if (banner) return banner;
    banner = document.createElement("div");
    banner.id = "codesign-connection";
    banner.setAttribute("role", "alert");
    banner.hidden = true;
    var text = document.createElement("p");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Reload";
    button.addEventListener("click", function () {
      window.location.reload();
    });
    banner.appendChild(text);
    banner.appendChild(button);
    document.body.insertBefore(banner, document.body.firstChild);
    return banner;
  }

  function show(state) {
    var b = ensureBanner();
    b.dataset.state = state;
    b.querySelector("p").textContent =
      state === "lost"
        ? "This page lost its connection to the workshop. Reload it to carry on: " +
          "you will come back where you were."
        : "Connection lost. Trying again\u2026";
    b.querySelector("button").hidden = state !== "lost";
    b.hidden = false;
  }

  function connected() {
    lost = false;
    if (lostTimer) {
      clearTimeout(lostTimer);
      lostTimer = null;
    }
    if (banner) banner.hidden = true;
  }

  function dropped() {
    // Each failed reconnection attempt closes a socket too; once lost, stay lost.
    if (leaving || open > 0 || !everOpen || lost) return;
    show("reconnecting");
    if (!lostTimer) {
      lostTimer = setTimeout(function () {
        lostTimer = null;
        if (open === 0 && !leaving) {
          lost = true;
          show("lost");
        }
      }, GIVE_UP_MS);
    }
  }

  function Watched(url, protocols) {
    var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (!KERNEL_CHANNELS.test(String(url))) return ws;
    var isOpen = false;
    ws.addEventListener("open", function () {
      isOpen = true;
      everOpen = true;
      open += 1;
      connected();
    });
    ws.addEventListener("close", function () {
      if (isOpen) open -= 1;
      isOpen = false;
      dropped();
    });
    return ws;
  }
  Watched.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) {
    Watched[k] = Native[k];
  });
  window.WebSocket = Watched;

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
      lost = true;
      show("lost");
    }
  });
})();
