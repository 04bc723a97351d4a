// 对接成效 charts, drawn with the vendored Chart.js. The figures sit in a
// <script type="application/json"> block: parsed, never executed.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var block = document.getElementById("loop-data");
  if (!block) { return; }
  var data = JSON.parse(block.textContent || "{}");
  var steps = ["发布", "有意向", "入围", "签约", "落地"];
  var colours = ["#1f5f8b", "#b4462b", "#6a8d3a", "#8b5fbf", "#c99a2e", "#4b8f8c"];
  var funnel = (data.funnel || []).slice(0, 6);
  var canvas = document.getElementById("funnel-chart");
  if (canvas) {
    canvas.chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: steps,
        datasets: funnel.map(function (row, i) {
          return { label: row.group, data: row.steps, backgroundColor: colours[i % colours.length] };
        })
      },
      options: { responsive: false, animation: false }
    });
    canvas.classList.add("drawn");
  }
  var supply = data.supply || [];
  var second = document.getElementById("supply-chart");
  if (second) {
    second.chart = new Chart(second, {
      type: "bar",
      data: {
        labels: supply.map(function (r) { return r.group; }),
        datasets: [
          { label: "开放需求", data: supply.map(function (r) { return r.open; }), backgroundColor: "#1f5f8b" },
          { label: "有匹配企业", data: supply.map(function (r) { return r.supplied; }), backgroundColor: "#6a8d3a" },
          { label: "已有意向", data: supply.map(function (r) { return r.answered; }), backgroundColor: "#b4462b" }
        ]
      },
      options: { responsive: false, animation: false }
    });
    second.classList.add("drawn");
  }
})();
