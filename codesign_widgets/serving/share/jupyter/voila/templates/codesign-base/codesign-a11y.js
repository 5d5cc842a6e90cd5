// Widgets render after the page loads and re-render on updates, so this script patches them
// as nodes appear:
// - names: a slider handle or a toggle group without a name is an axe violation and says
//   nothing to a screen reader; the widget's description is the name it should have;
// - icons: Font Awesome glyphs are text to a screen reader ("\uf2f5 Leave..."): hidden;
// - pressed: a toggle button (a score, a choice) says whether it is the chosen one;
// - what views mark (codesign_widgets/ui/announce.py): text marked data-codesign-announce is
//   read out through the page's live region (#codesign-live, in the template from load), a
//   confirmation (kind "ok") also shows beside the control just used, and a heading marked
//   data-codesign-focus takes keyboard focus when it appears (the one on screen, if several);
// - tabs: a tab the person chooses moves focus to its panel's first heading.
(function () {
  "use strict";
  var CONFIRM_MS = 15000; // a confirmation this long after a tap belongs to that control
  var KEEP_MS = 20000; // a message stays in the live region this long

  function descriptionOf(el) {
    var row = el.closest(".widget-inline-hbox, .widget-toggle-buttons, .widget-radio");
    var label = row && row.querySelector(":scope > .widget-label");
    var text = label && label.textContent.trim();
    return text || null;
  }
  function name(root) {
    root.querySelectorAll(".noUi-handle:not([aria-label])").forEach(function (h) {
      var text = descriptionOf(h);
      if (text) h.setAttribute("aria-label", text);
    });
    root
      .querySelectorAll(".widget-toggle-buttons > div:not([role])")
      .forEach(function (g) {
        var text = descriptionOf(g);
        g.setAttribute("role", "group");
        if (text) g.setAttribute("aria-label", text);
      });
    root.querySelectorAll(".widget-radio-box:not([role])").forEach(function (g) {
      var text = descriptionOf(g);
      g.setAttribute("role", "radiogroup");
      if (text) g.setAttribute("aria-label", text);
    });
    root.querySelectorAll("button i.fa:not([aria-hidden]), .lm-TabBar-tabIcon:not([aria-hidden])")
      .forEach(function (i) {
        i.setAttribute("aria-hidden", "true");
      });
    root.querySelectorAll("button.widget-toggle-button").forEach(function (b) {
      var pressed = b.classList.contains("mod-active") ? "true" : "false";
      if (b.getAttribute("aria-pressed") !== pressed) b.setAttribute("aria-pressed", pressed);
    });
  }

  // -- the live region ------------------------------------------------------------------------
  var seen = new WeakSet();
  var lastControl = null;
  var lastControlAt = 0;

  // The region's words live in a closed shadow root: screen readers hear them (the
  // accessibility tree is built from the flattened tree), but they are not page text, so
  // find-in-page, copying the page and text locators meet each message once, where it shows.
  var host = document.getElementById("codesign-live");
  var words = host ? host.attachShadow({ mode: "closed" }) : null;

  // One line per message, added (a screen reader queues each addition, so a stage change and
  // the round state drawn a moment later are both read, and the same "Saved." twice is read
  // twice) and taken away later (removals are not read).
  function say(text) {
    if (!words || !text) return;
    var line = document.createElement("div");
    line.textContent = text;
    words.appendChild(line);
    setTimeout(function () {
      line.remove();
    }, KEEP_MS);
  }

  function clearConfirmations() {
    document.querySelectorAll(".codesign-confirm").forEach(function (c) {
      c.remove();
    });
  }

  function confirmBeside(text) {
    if (!lastControl || !lastControl.isConnected) return;
    if (Date.now() - lastControlAt > CONFIRM_MS) return;
    var anchor = lastControl.closest(".jupyter-widgets") || lastControl;
    clearConfirmations();
    var note = document.createElement("div");
    note.className = "codesign-confirm";
    // Read once, through the live region; this copy is for the eyes only (drawn from the
    // attribute by CSS, so it is not page text either).
    note.setAttribute("aria-hidden", "true");
    note.setAttribute("data-text", "\u2713 " + text);
    anchor.insertAdjacentElement("afterend", note);
  }

  function follow(root) {
    var texts = [];
    root.querySelectorAll("[data-codesign-announce]").forEach(function (el) {
      if (seen.has(el)) return;
      seen.add(el);
      var text = el.textContent.trim();
      if (!text) return;
      texts.push(text);
      if (el.getAttribute("data-codesign-announce") === "ok") confirmBeside(text);
    });
    if (root.querySelector(".codesign-notice [role=alert]")) clearConfirmations();
    if (texts.length) say(texts.join(" "));
    // The last new heading marked for focus that is on screen: a hub marks one on each tab
    // (the room's stage and the run's next step), and the tab shown takes it.
    var focus = null;
    var fallback = null;
    root.querySelectorAll("[data-codesign-focus]").forEach(function (el) {
      if (seen.has(el)) return;
      seen.add(el);
      fallback = el;
      if (el.getClientRects().length) focus = el;
    });
    focusOn(focus || fallback);
    followTabs(root);
  }

  function focusOn(el) {
    if (!el || !el.isConnected) return;
    el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: false });
  }

  // A tab chosen by the person (a click, Enter or Space on it): focus moves to the first
  // heading of the panel it shows, as after a stage change. Arrowing between tabs, and tabs
  // the page changes by itself, leave focus where it is.
  var currentTabs = new WeakMap();
  function followTabs(root) {
    root.querySelectorAll(".lm-TabBar").forEach(function (bar) {
      var tab = bar.querySelector(".lm-TabBar-tab.lm-mod-current");
      var before = currentTabs.get(bar);
      currentTabs.set(bar, tab);
      if (!tab || before === undefined || before === tab) return;
      var chosen =
        lastControl && Date.now() - lastControlAt < 3000 && bar.contains(lastControl);
      if (!chosen) return;
      var tabs = bar.closest(".widget-tab, .jupyter-widget-tab");
      if (!tabs) return;
      requestAnimationFrame(function () {
        var shown = Array.prototype.filter.call(
          tabs.querySelectorAll(":scope > .widget-tab-contents > *, :scope > .lm-StackedPanel > *"),
          function (panel) {
            return panel.getClientRects().length;
          }
        )[0];
        var heading = shown && shown.querySelector("h1, h2, h3");
        if (heading) focusOn(heading);
      });
    });
  }

  // The control a person used last: a confirmation appears beside it.
  function used(event) {
    if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") return;
    var control =
      event.target.closest &&
      event.target.closest("button, input, select, textarea, [role=button], [role=tab]");
    if (!control) return;
    lastControl = control;
    lastControlAt = Date.now();
    clearConfirmations();
  }
  document.addEventListener("click", used, true);
  document.addEventListener("keydown", used, true);
  document.addEventListener("change", used, true);
  // A tab is chosen on pointerdown, before its click: the tab counts as used from then.
  // Only tabs: clearing a confirmation here would move the page under a finger mid-tap.
  document.addEventListener(
    "pointerdown",
    function (event) {
      var tab = event.target.closest && event.target.closest(".lm-TabBar [role=tab]");
      if (!tab) return;
      lastControl = tab;
      lastControlAt = Date.now();
    },
    true
  );

  var pending = false;
  var observer = new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      name(document);
      follow(document);
    });
  });
  observer.observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["class"],
  });
})();
