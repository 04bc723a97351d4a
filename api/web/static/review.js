// Monthly downloads (trailing mean, as ranked each month) per candidate, drawn with the vendored Chart.js (no CDN).
// Data sits in <script type="application/json"> blocks: parsed, never executed.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  document.querySelectorAll("canvas.chart").forEach(function (canvas) {
    var block = document.getElementById(canvas.dataset.series);
    if (!block) { return; }
    var points = JSON.parse(block.textContent || "[]");
    canvas.chart = new Chart(canvas, {
      type: "line",
      data: {
        labels: points.map(function (p) { return p.as_of.slice(0, 7); }),
        datasets: [{
          label: "月均下载",
          data: points.map(function (p) { return p.downloads; }),
          borderColor: "#b4462b", backgroundColor: "rgba(180,70,43,0.15)",
          fill: true, tension: 0.25, pointRadius: 2, spanGaps: true
        }]
      },
      options: {
        responsive: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { font: { size: 9 } } }, y: { ticks: { font: { size: 9 } } } }
      }
    });
    canvas.classList.add("drawn");
  });
  document.querySelectorAll(".bar[data-share]").forEach(function (bar) {
    var share = Math.max(0, Math.min(1, parseFloat(bar.dataset.share) || 0));
    bar.style.width = Math.round(share * 60) + "px";
  });
})();
