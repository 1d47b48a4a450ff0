// Small progressive enhancements; every page works without them. No inline script anywhere:
// the Content-Security-Policy forbids it, so behaviour is attached here by data- attributes.
(function () {
  "use strict";

  function each(selector, callback, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), callback);
  }

  // Controls that only work with script are served hidden and shown here.
  each("[data-js-only]", function (element) { element.hidden = false; });

  // Case page: print, and the print date on paper.
  each("[data-print]", function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  function stampPrintDate() {
    var today = new Date().toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric" });
    each("[data-print-date]", function (element) { element.textContent = today; });
  }
  window.addEventListener("beforeprint", stampPrintDate);
  if (window.matchMedia) {  // page.pdf() and some browsers print without a beforeprint event
    var printing = window.matchMedia("print");
    if (printing.addEventListener) {
      printing.addEventListener("change", function (event) { if (event.matches) { stampPrintDate(); } });
    }
  }

  // Case page: copy a citation with one click; where the clipboard is refused, show the text to copy.
  each("[data-cite]", function (cite) {
    var button = cite.querySelector("[data-copy-citation]");
    var fallback = cite.querySelector("[data-cite-fallback]");
    var input = fallback.querySelector("[data-citation]");
    var status = cite.querySelector("[data-cite-status]");
    function showFallback() {
      fallback.hidden = false;
      input.focus();
      input.select();
      status.textContent = "Press Ctrl+C (⌘C on a Mac) to copy.";
    }
    if (!(navigator.clipboard && window.isSecureContext)) {
      fallback.hidden = false;
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        status.textContent = "Citation copied.";
        window.setTimeout(function () { status.textContent = ""; }, 4000);
      }, showFallback);
    });
  });

  // Case page: step through the query's matches, or hide them.
  var nav = document.querySelector("[data-match-nav]");
  if (nav) {
    // One match is one mark, or the marks of one connector's match (the same data-match in one text).
    var matches = [];
    var byKey = {};
    Array.prototype.slice.call(document.querySelectorAll(".highlightable")).forEach(function (text, t) {
      Array.prototype.slice.call(text.querySelectorAll("mark")).forEach(function (mark, m) {
        var key = t + ":" + (mark.dataset.match === undefined ? "m" + m : mark.dataset.match);
        if (!byKey[key]) { byKey[key] = { marks: [] }; matches.push(byKey[key]); }
        byKey[key].marks.push(mark);
      });
    });
    var count = nav.querySelector("[data-match-count]");
    var current = -1;
    var mark = function (match, on) {
      match.marks.forEach(function (m) { m.classList.toggle("current", on); });
    };
    var go = function (step) {
      if (!matches.length) { return; }
      if (current >= 0) { mark(matches[current], false); }
      current = (current + step + matches.length) % matches.length;
      mark(matches[current], true);
      matches[current].marks[0].scrollIntoView({ block: "center" });
      count.textContent = "Match " + (current + 1) + " of " + matches.length;
    };
    nav.querySelector("[data-match-next]").addEventListener("click", function () { go(1); });
    nav.querySelector("[data-match-prev]").addEventListener("click", function () { go(-1); });
    // Without script the toggle is a link to the page without the query; with it, marks just hide.
    var toggle = nav.querySelector("[data-toggle-marks]");
    toggle.setAttribute("role", "button");
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      var hidden = document.body.classList.toggle("marks-hidden");
      toggle.setAttribute("aria-pressed", hidden ? "true" : "false");
      toggle.textContent = hidden ? "Show highlights" : "Hide highlights";
    });
  }
})();
