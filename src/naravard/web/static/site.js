// Small behaviours of every page, without inline script (the Content-Security-Policy allows none).
// A form control with data-clears="name" empties the form's control `name` when it changes: a choice the
// new value makes meaningless (the period of another period type) is not sent along.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof Element) || !el.hasAttribute("data-clears") || !el.form) {
      return;
    }
    var other = el.form.elements.namedItem(el.getAttribute("data-clears"));
    if (other && "value" in other) {
      other.value = "";
    }
  });
})();
