// Draws the dashboard's charts from the data the page carries (#board-data).
// No data is fetched here except the map's boundaries, served by luodi.
(function () {
  "use strict";
  const source = document.getElementById("board-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  const board = JSON.parse(source.textContent);
  // Tooltips are plain text nodes, never HTML: names cannot inject markup, and
  // no style="…" attribute is written, which the Content Security Policy
  // refuses (ECharts' own tooltip HTML and its arrow carry them; confine
  // leaves the arrow out).
  const textTooltip = (describe) => ({
    confine: true,
    formatter: (item) => document.createTextNode(describe(item)),
  });
  const charts = [];

  function drawMap(element) {
    const rows = board.league.rows;
    const byShare = rows.some((row) => row.share !== null);
    const data = rows.map((row) => ({
      name: row.code,
      label: row.name,
      value: Number(byShare ? row.share : row.value),
    }));
    const values = data.map((row) => row.value).filter((value) => !Number.isNaN(value));
    fetch(element.dataset.mapUrl, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then((geojson) => {
        const name = "luodi-" + board.division.code;
        echarts.registerMap(name, geojson);
        const chart = echarts.init(element);
        charts.push(chart);
        chart.setOption({
          tooltip: textTooltip((item) => {
            const row = data.find((entry) => entry.name === item.name);
            const shown = row && !Number.isNaN(row.value) ? row.value + (byShare ? "%" : "") : "—";
            return (row ? row.label : item.name) + ": " + shown;
          }),
          visualMap: {
            min: 0,
            max: byShare ? 100 : Math.max(1, ...values),
            calculable: true,
            left: "left",
            bottom: 0,
            inRange: { color: ["#f4d6d4", "#b3261e"] },
          },
          series: [
            {
              type: "map",
              map: name,
              nameProperty: "code",
              roam: false,
              data: data.filter((row) => !Number.isNaN(row.value)),
              emphasis: { label: { show: true } },
            },
          ],
        });
        chart.on("click", (item) => {
          if (rows.some((row) => row.code === item.name)) {
            const url = element.dataset.boardUrl.replace("CODE", item.name);
            let query = "?as_of=" + encodeURIComponent(board.as_of);
            if (board.recorded_on) {
              query += "&recorded_on=" + encodeURIComponent(board.recorded_on);
            }
            window.location.href = url + query;
          }
        });
        element.dataset.ready = "true";
      })
      .catch(() => {
        element.textContent = element.dataset.failed || "—";
        element.dataset.ready = "failed";
      });
  }

  function drawPipeline(element) {
    const rows = board.pipeline.by_programme;
    if (!rows.length) {
      element.remove();
      return;
    }
    const chart = echarts.init(element);
    charts.push(chart);
    chart.setOption({
      grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
      tooltip: textTooltip((item) => item.name + " " + item.seriesName + " " + item.value),
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map((row) => row.name), axisLabel: { width: 120, overflow: "truncate" } },
      series: [
        { type: "bar", stack: "all", name: "✓", data: rows.map((row) => row.started), itemStyle: { color: "#1b6e2a" } },
        { type: "bar", stack: "all", name: "…", data: rows.map((row) => row.total - row.started), itemStyle: { color: "#d9a400" } },
      ],
    });
    element.dataset.ready = "true";
  }

  const map = document.getElementById("map");
  if (map) {
    drawMap(map);
  }
  const pipeline = document.getElementById("pipeline-chart");
  if (pipeline) {
    drawPipeline(pipeline);
  }
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
