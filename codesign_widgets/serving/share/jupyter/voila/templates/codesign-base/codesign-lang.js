// The workshop's language comes from the kernel (the page is served before the kernel knows
// the workshop): an element with data-codesign-lang (ui/page_language.py) names it and
// carries the connection banner's sentences. Screen readers read the page in <html lang>;
// <html dir> follows the language's writing direction.
(function () {
  "use strict";
  var pending = false;
  function apply() {
    pending = false;
    var marks = document.querySelectorAll("[data-codesign-lang]");
    if (!marks.length) return;
    var mark = marks[marks.length - 1];
    var lang = mark.getAttribute("data-codesign-lang");
    if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
    var dir = mark.getAttribute("data-codesign-dir");
    if (dir && document.documentElement.dir !== dir) document.documentElement.dir = dir;
    try {
      window.codesignText = JSON.parse(mark.getAttribute("data-codesign-text") || "{}");
    } catch (e) {}
  }
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(apply);
  }).observe(document.body, { childList: true, subtree: true });
})();
