// Widgets render after the page loads and re-render on updates, so names are added as
// nodes appear. A slider handle or a toggle group without a name is an axe violation and
// says nothing to a screen reader; the widget's description is the name it should have.
(function () {
  "use strict";
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
  }
  var pending = false;
  var observer = new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      name(document);
    });
  });
  observer.observe(document.body, { childList: true, subtree: true });
})();
