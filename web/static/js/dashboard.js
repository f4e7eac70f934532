/*
 * The managers' dashboard: draws each chart of the page's JSON with Apache ECharts
 * (served from /vendor/echarts/echarts.min.js, global echarts). No inline script:
 *
 *   <script type="application/json" id="dashboard-data">{"charts": {"overdue": {...}}}</script>
 *   <div class="cw-chart" data-chart="overdue"></div>
 *
 * A chart spec: {"title", "type": "bar"|"line", "stack": bool, "horizontal": bool,
 * "categories": [...], "series": [{"name", "data": [...]}], "empty": "no data text",
 * "axis_name"}. Each container gets data-state="ready" once drawn (tests wait on it).
 */
(function () {
  'use strict';

  var PALETTE = ['#1d39c4', '#d4380d', '#389e0d', '#d48806', '#531dab', '#08979c', '#c41d7f', '#595959'];

  function readData() {
    var node = document.getElementById('dashboard-data');
    if (!node) { return null; }
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      if (window.console) { window.console.error('dashboard data is not JSON', e); }
      return null;
    }
  }

  function hasData(spec) {
    return (spec.series || []).some(function (s) {
      return (s.data || []).some(function (v) { return Number(v) > 0; });
    });
  }

  function option(spec) {
    var categoryAxis = { type: 'category', data: spec.categories || [],
                         axisLabel: { interval: 0, hideOverlap: true } };
    var valueAxis = { type: 'value', minInterval: 1, name: spec.axis_name || '' };
    if (spec.horizontal) { categoryAxis.inverse = true; }
    var opt = {
      color: PALETTE,
      aria: { enabled: true },
      title: { text: spec.title || '', left: 'left', textStyle: { fontSize: 15 } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0, type: 'scroll' },
      grid: { top: 56, left: 8, right: 24, bottom: 32, containLabel: true },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? categoryAxis : valueAxis,
      series: (spec.series || []).map(function (s) {
        return { type: spec.type || 'bar', name: s.name, data: s.data,
                 stack: spec.stack ? 'total' : undefined, emphasis: { focus: 'series' },
                 barMaxWidth: 36 };
      })
    };
    if (!hasData(spec)) {
      opt.graphic = { type: 'text', left: 'center', top: 'middle',
                      style: { text: spec.empty || '暂无数据 / No data', fontSize: 14, fill: '#8c8c8c' } };
    }
    return opt;
  }

  function draw(container, spec, locale) {
    var chart = window.echarts.init(container, null, { renderer: 'canvas', locale: locale });
    chart.on('finished', function () { container.setAttribute('data-state', 'ready'); });
    chart.setOption(option(spec));
    return chart;
  }

  function start() {
    var containers = document.querySelectorAll('.cw-chart[data-chart]');
    if (!containers.length) { return; }
    var data = readData();
    if (!data || !window.echarts) {
      containers.forEach(function (c) { c.setAttribute('data-state', 'error'); });
      return;
    }
    var lang = (document.documentElement.getAttribute('lang') || 'zh').toLowerCase();
    var locale = lang.indexOf('zh') === 0 ? 'ZH' : 'EN';
    var charts = [];
    containers.forEach(function (container) {
      var spec = (data.charts || {})[container.getAttribute('data-chart')];
      if (!spec) {
        container.setAttribute('data-state', 'error');
        return;
      }
      charts.push(draw(container, spec, locale));
    });
    window.addEventListener('resize', function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
