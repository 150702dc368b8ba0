// Draws the usage chart from the JSON the server put in the page (#usage-data). Without
// JavaScript the table under the chart has the same figures.
(function () {
  "use strict";
  var holder = document.getElementById("usage-chart");
  var source = document.getElementById("usage-data");
  if (!holder || !source || typeof uPlot === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  if (!data.t || data.t.length === 0) {
    holder.textContent = "No samples yet.";
    return;
  }
  var units = ["B", "KB", "MB", "GB", "TB", "PB"];
  function size(bytes) {
    var value = bytes;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return (unit === 0 ? value : value.toFixed(1)) + " " + units[unit];
  }
  var runs = data.runs || [];
  function drawRuns(u) {
    var ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = "#a4161a";
    ctx.fillStyle = "#a4161a";
    ctx.setLineDash([2, 3]);
    ctx.font = 11 * devicePixelRatio + "px system-ui, sans-serif";
    runs.forEach(function (run) {
      var x = Math.round(u.valToPos(run.t, "x", true));
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) {
        return;
      }
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillText("▼ −" + size(run.freed), x + 3, u.bbox.top + 12 * devicePixelRatio);
    });
    ctx.restore();
  }
  var options = {
    width: Math.max(280, holder.clientWidth),
    height: 260,
    series: [
      {},
      { label: "Used", stroke: "#1f4e99", width: 2, scale: "bytes", value: function (u, v) { return v == null ? "—" : size(v); } },
      { label: "Jobs", stroke: "#5b6270", width: 1.5, dash: [6, 4], scale: "jobs" }
    ],
    axes: [
      {},
      { scale: "bytes", values: function (u, vals) { return vals.map(size); }, size: 84 },
      { scale: "jobs", side: 1, grid: { show: false } }
    ],
    hooks: { draw: [drawRuns] }
  };
  var chart = new uPlot(options, [data.t, data.used, data.jobs], holder);
  window.addEventListener("resize", function () {
    chart.setSize({ width: Math.max(280, holder.clientWidth), height: 260 });
  });
})();
