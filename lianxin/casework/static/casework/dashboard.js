/* The dashboard's chart (ECharts, when `make install` fetched it into var/vendor) drawn from the
   JSON beside the data table, which stays the truth; and the wall display's reload. */
(function () {
  "use strict";
  var wall = document.getElementById("wall-refresh");
  if (wall) {
    var seconds = parseInt(wall.getAttribute("data-seconds"), 10) || 60;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
  var box = document.getElementById("dashboard-chart");
  var source = document.getElementById("dashboard-chart-data");
  if (!box || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  if (!data.labels.length) { return; }
  box.hidden = false;
  box.style.height = Math.max(240, Math.min(720, 28 * data.labels.length + 60)) + "px";
  var big = document.body.classList.contains("wall");
  var chart = window.echarts.init(box, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { show: false },
    textStyle: { fontSize: big ? 20 : 13 },
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", axisLabel: { fontSize: big ? 18 : 12 } },
    yAxis: {
      type: "category",
      inverse: true,
      data: data.labels,
      axisLabel: { fontSize: big ? 20 : 13 }
    },
    series: [{
      type: "bar",
      name: data.title,
      data: data.values,
      itemStyle: { color: "#2f6fb3" },
      label: { show: true, position: "right", fontSize: big ? 18 : 12 }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
