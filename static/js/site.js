// Small progressive enhancements; every page works without them. No inline script anywhere.
(function () {
  "use strict";

  document.querySelectorAll(".facet-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      var list = button.previousElementSibling;
      var open = list.classList.toggle("expanded");
      button.textContent = open ? "Show fewer" : "Show all " + list.children.length;
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var nav = document.querySelector("[data-match-nav]");
  if (nav) {
    var marks = Array.prototype.slice.call(document.querySelectorAll(".highlightable mark"));
    var count = nav.querySelector("[data-match-count]");
    var current = -1;
    count.textContent = marks.length + (marks.length === 1 ? " match" : " matches");
    function go(step) {
      if (!marks.length) { return; }
      if (current >= 0) { marks[current].classList.remove("current"); }
      current = (current + step + marks.length) % marks.length;
      marks[current].classList.add("current");
      marks[current].scrollIntoView({ block: "center" });
      count.textContent = "Match " + (current + 1) + " of " + marks.length;
    }
    nav.querySelector("[data-match-next]").addEventListener("click", function () { go(1); });
    nav.querySelector("[data-match-prev]").addEventListener("click", function () { go(-1); });
    var toggle = nav.querySelector("[data-toggle-marks]");
    toggle.addEventListener("click", function () {
      var hidden = document.body.classList.toggle("marks-hidden");
      toggle.setAttribute("aria-pressed", hidden ? "true" : "false");
      toggle.textContent = hidden ? "Show highlights" : "Hide highlights";
    });
  }
})();
