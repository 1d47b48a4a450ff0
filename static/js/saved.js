// Saved searches: progressive enhancements only; every page works without them. No inline script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Alert frequency: submit on change (the Set button is the no-script fallback).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
