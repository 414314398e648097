// 连心 · the little the pages need beyond htmx. Long texts fold to their first lines with a
// 「展开全文」 button; without JavaScript they show whole.
(function () {
  "use strict";
  function arm(root) {
    root.querySelectorAll("[data-fold]:not(.armed)").forEach(function (fold) {
      fold.classList.add("armed", "folded");
      var button = fold.querySelector(".fold-toggle");
      button.hidden = false;
      button.addEventListener("click", function () {
        var open = fold.classList.toggle("folded") === false;
        button.setAttribute("aria-expanded", open ? "true" : "false");
        button.textContent = open ? button.dataset.less : button.dataset.more;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { arm(document); });
  document.addEventListener("htmx:load", function (e) { arm(e.target); });
})();
