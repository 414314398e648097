// 连心 · the two pickers of lianxin/core/widgets.py. Without JavaScript they are plain radios,
// checkboxes and a select of regions by name; this only makes them quicker to use.
//
// Pick lists (units): a filter box above the options keeps those whose name contains what is
// typed; ArrowDown / ArrowUp move between the options still shown (from the box to the first),
// Space picks, Enter in the box picks the first option shown; what is picked shows as chips
// that a click, Enter or Space removes.
//
// Region pickers: the select of every region in scope gives way to a cascade, one select per
// level; choosing a region fetches its children (htmx GET of the region_children endpoint) as
// the next level. The form still submits the code, through the hidden original select.
(function () {
  "use strict";

  // --- Pick lists ------------------------------------------------------------------------------

  function visibleOptions(picker) {
    return Array.prototype.filter.call(
      picker.querySelectorAll(".picklist-option"),
      function (label) { return !label.hidden; }
    ).map(function (label) { return label.querySelector("input"); });
  }

  function legendOf(picker) {
    var fieldset = picker.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    return legend ? legend.textContent.trim() : "";
  }

  function armPickList(picker) {
    var box = picker.querySelector(".picklist-filter");
    var chips = picker.querySelector(".picklist-chips");
    var none = picker.querySelector(".picklist-none");
    var options = picker.querySelector(".picklist-options");
    var name = legendOf(picker);
    box.hidden = false;
    chips.hidden = false;
    picker.classList.add("armed");
    if (name) {
      box.setAttribute("aria-label", box.getAttribute("aria-label") + "：" + name);
      chips.setAttribute("aria-label", picker.dataset.chosen + "：" + name);
    }

    function filter() {
      var text = box.value.trim().toLowerCase();
      var shown = 0;
      picker.querySelectorAll(".picklist-option").forEach(function (label) {
        var match = !text || label.textContent.toLowerCase().indexOf(text) !== -1;
        label.hidden = !match;
        if (match) { shown += 1; }
      });
      none.hidden = shown > 0;
    }

    function drawChips() {
      chips.textContent = "";
      picker.querySelectorAll(".picklist-option input:checked").forEach(function (input) {
        if (!input.value) { return; } // "（暂不交办）" is no choice to remove
        var text = input.closest("label").textContent.trim();
        var chip = document.createElement("button");
        chip.type = "button";
        chip.className = "chip";
        chip.dataset.value = input.value;
        chip.setAttribute("aria-label", picker.dataset.remove + "：" + text);
        chip.appendChild(document.createTextNode(text));
        var x = document.createElement("span");
        x.setAttribute("aria-hidden", "true");
        x.textContent = "×";
        chip.appendChild(x);
        chip.addEventListener("click", function () {
          input.checked = false;
          input.dispatchEvent(new Event("change", { bubbles: true }));
          box.focus();
        });
        chips.appendChild(chip);
      });
    }

    box.addEventListener("input", filter);
    box.addEventListener("keydown", function (e) {
      var shown = visibleOptions(picker);
      if (e.key === "ArrowDown" && shown.length) {
        e.preventDefault();
        shown[0].focus();
      } else if (e.key === "Enter") {
        // Enter in the box picks the first option shown; it never submits the form by accident.
        e.preventDefault();
        if (shown.length) { shown[0].click(); }
      } else if (e.key === "Escape" && box.value) {
        e.preventDefault();
        box.value = "";
        filter();
      }
    });
    options.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") { return; }
      var shown = visibleOptions(picker);
      var at = shown.indexOf(e.target);
      if (at === -1) { return; }
      // Arrows only move; Space picks (a radio would otherwise be picked by each arrow press).
      e.preventDefault();
      if (e.key === "ArrowDown" && at + 1 < shown.length) { shown[at + 1].focus(); }
      if (e.key === "ArrowUp") { (at > 0 ? shown[at - 1] : box).focus(); }
    });
    options.addEventListener("change", drawChips);
    filter();
    drawChips();
  }

  // --- Region pickers --------------------------------------------------------------------------

  function armRegionPicker(picker) {
    var all = picker.querySelector(".region-all select");
    var cascade = picker.querySelector(".region-cascade");
    var url = picker.dataset.childrenUrl;
    var label = all.id ? document.querySelector('label[for="' + all.id + '"]') : null;
    var name = label ? label.textContent.trim() : "";
    var serial = 0;

    function title(select) {
      if (!select) { return; }
      serial += 1;
      select.id = (all.id || "region") + "-level-" + serial;
      select.setAttribute("aria-label", (name ? name + "：" : "") + select.dataset.kind);
      var hint = all.getAttribute("aria-describedby");
      if (hint) { select.setAttribute("aria-describedby", hint); }
    }

    function choose(code, text) {
      all.value = code;
      if (all.value !== code) { // a region below those rendered: keep the code all the same
        var option = new Option(text, code, true, true);
        all.appendChild(option);
      }
    }

    cascade.querySelectorAll("select").forEach(title);
    if (label) { label.htmlFor = cascade.querySelector("select").id; }
    picker.querySelector(".region-all").hidden = true;
    cascade.hidden = false;
    picker.classList.add("armed");

    cascade.addEventListener("change", function (e) {
      var select = e.target.closest("select");
      if (!select) { return; }
      var step = select.closest(".region-step");
      while (step.nextElementSibling) { cascade.removeChild(step.nextElementSibling); }
      var above = step.previousElementSibling;
      var chosen = select.value || (above ? above.querySelector("select").value : "");
      choose(chosen, select.value ? select.selectedOptions[0].textContent : "");
      if (!select.value) { return; }
      var next = document.createElement("span");
      next.className = "region-step";
      cascade.appendChild(next);
      htmx.ajax("GET", url + "?parent=" + encodeURIComponent(select.value), {
        target: next,
        swap: "innerHTML",
      }).then(function () {
        var child = next.querySelector("select");
        if (child) { title(child); } else if (next.parentNode) { cascade.removeChild(next); }
      });
    });
  }

  function arm(root) {
    root.querySelectorAll("[data-picklist]:not(.armed)").forEach(armPickList);
    root.querySelectorAll("[data-region-picker]:not(.armed)").forEach(armRegionPicker);
  }
  document.addEventListener("DOMContentLoaded", function () { arm(document); });
  document.addEventListener("htmx:load", function (e) { arm(e.target); });
})();
