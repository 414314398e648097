// 连心 · the little the pages need beyond htmx. Long texts fold to their first lines with a
// 「展开全文」 button; without JavaScript they show whole. The pages carry no inline handlers
// (the Content-Security-Policy allows none): what they did is here, asked for by attributes.
//   data-autosubmit          a select or radio that submits its form when changed
//   data-filter-labels="sel" a search box that hides the labels (sel, within its parent) whose
//                            text does not contain what is typed
//   data-station-action      a form whose action names the station chosen in its select
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
    root.querySelectorAll("[data-filter-labels]:not(.armed)").forEach(function (box) {
      box.classList.add("armed");
      box.addEventListener("input", function () {
        var q = box.value;
        box.parentNode.querySelectorAll(box.dataset.filterLabels).forEach(function (label) {
          label.hidden = Boolean(q) && label.textContent.indexOf(q) < 0;
        });
      });
    });
  }
  document.addEventListener("change", function (e) {
    var field = e.target;
    if (field.form && field.hasAttribute && field.hasAttribute("data-autosubmit")) {
      field.form.submit();
    }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.hasAttribute("data-station-action") && form.station) {
      form.action = form.action.replace(/stations\/\d+\//, "stations/" + form.station.value + "/");
    }
  });
  document.addEventListener("DOMContentLoaded", function () { arm(document); });
  document.addEventListener("htmx:load", function (e) { arm(e.target); });
})();
