// 连心 · 「查找我附近的联络站」: the browser's position, then the near page for it. The button and
// its messages are in portal/_near_button.html.
(function () {
  "use strict";
  var b = document.getElementById("near-me");
  var s = document.getElementById("near-status");
  if (!b || !s) return;
  b.addEventListener("click", function () {
    if (!navigator.geolocation) { s.textContent = b.dataset.fail; return; }
    s.textContent = b.dataset.wait;
    navigator.geolocation.getCurrentPosition(
      function (p) {
        location.href = b.dataset.url + "?lat=" + p.coords.latitude.toFixed(5) +
          "&lng=" + p.coords.longitude.toFixed(5);
      },
      function () { s.textContent = b.dataset.fail; },
      { timeout: 15000, maximumAge: 60000, enableHighAccuracy: false }
    );
  });
})();
