// The idle warning of a signed-in page (lianxin.accounts.sessions): two minutes before the
// session would end, a notice with a 继续 button; the button pings the server, which counts
// as activity. Any request the page makes (htmx) starts the count again. When the time is up
// the page reloads and the server shows the sign-in page.
(function () {
  "use strict";
  var box = document.getElementById("session-notice");
  if (!box) return;
  var idle = Number(box.dataset.idle) * 1000;
  if (!idle) return;
  var warnFor = Math.min(120000, idle / 2);
  var button = box.querySelector("[data-continue]");
  var timer = null;

  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }
  function arm() {
    clearTimeout(timer);
    box.hidden = true;
    timer = setTimeout(warn, idle - warnFor);
  }
  function warn() {
    box.hidden = false;
    button.focus();
    timer = setTimeout(function () { window.location.reload(); }, warnFor);
  }
  button.addEventListener("click", function () {
    fetch(box.dataset.ping, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() },
    }).then(function (r) {
      if (r.ok) arm(); else window.location.reload();
    }, function () { window.location.reload(); });
  });
  document.addEventListener("htmx:afterRequest", function () { if (box.hidden) arm(); });
  arm();
})();
