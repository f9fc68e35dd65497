#include "report/page_script.h"

namespace autodet::report {

const char* const kPageStyle = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 16px 32px; color: #222; }
h1 { font-size: 22px; margin: 18px 0 4px; } h2 { font-size: 18px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 28px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.summary { color: #555; } .note { color: #777; font-style: italic; }
.chart { width: 100%; height: 320px; } .chart.tall { height: 460px; } .chart.small { height: 260px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
table { border-collapse: collapse; margin: 6px 0; } th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f6f6f6; }
table.sortable th { cursor: pointer; user-select: none; } table.sortable th.asc::after { content: " \25B2"; } table.sortable th.desc::after { content: " \25BC"; }
tr.terminated td { color: #a15c00; } tr.best td { font-weight: 600; }
.control { margin: 8px 0; } .control input { vertical-align: middle; width: 280px; }
.gallery { display: flex; flex-wrap: wrap; gap: 10px; } .gallery figure { margin: 0; width: 240px; }
.gallery img { max-width: 240px; max-height: 200px; display: block; border: 1px solid #ccc; }
.gallery figcaption { font-size: 12px; color: #444; word-break: break-all; }
.swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; border: 2px solid; }
footer { margin-top: 32px; font-size: 12px; color: #666; } footer pre { white-space: pre-wrap; max-height: 300px; overflow: auto; }
)css";

const char* const kPageBody = R"html(
<header><h1 id="title"></h1><div id="summary" class="summary"></div></header>
<section id="training" hidden>
  <h2>Training</h2>
  <div class="grid2"><div id="chart-losses" class="chart"></div><div id="chart-validation" class="chart"></div></div>
  <div id="chart-lr" class="chart small"></div>
</section>
<section id="sweep" hidden>
  <h2>Trials</h2>
  <div id="budget" class="summary"></div>
  <table id="trial-table" class="sortable"></table>
  <h3>Best metric against each varied parameter</h3>
  <div id="param-charts" class="grid2"></div>
  <h3>Trial curves</h3>
  <div id="chart-trials" class="chart"></div>
</section>
<section id="evaluation" hidden>
  <h2>Evaluation</h2>
  <div id="evaluation-summary" class="summary"></div>
  <h3>Average precision per class</h3>
  <table id="ap-table"></table>
  <h3>Precision-recall curves</h3>
  <div id="chart-pr" class="chart tall"></div>
  <h3>Confusion matrix</h3>
  <div class="control"><label for="threshold">Score threshold</label> <input type="range" id="threshold" min="0" step="1">
    <span id="threshold-value"></span></div>
  <div id="chart-confusion" class="chart tall"></div>
  <h3>Validation images, worst first</h3>
  <div id="gallery-legend" class="summary"></div>
  <div id="gallery" class="gallery"></div>
</section>
<p id="evaluation-note" class="note" hidden></p>
)html";

const char* const kPageScript = R"js(
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const charts = [];
  const $ = (id) => document.getElementById(id);

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function fmt(v) {
    if (v === null || v === undefined) return '-';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : (v === -1 ? '-1' : v.toFixed(4));
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  function draw(div, option) {
    option.animation = false;
    const c = echarts.init(div, null, { renderer: 'svg' });
    c.setOption(option);
    charts.push(c);
    return c;
  }
  function points(trial, name) {
    const epochs = trial.metric_epochs[name] || [], values = trial.metrics[name] || [];
    return epochs.map((e, i) => [e + 1, values[i]]);
  }
  function lineOption(title, series, yName, extra) {
    return Object.assign({
      title: { text: title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 28, type: 'scroll' },
      grid: { top: 76, left: 56, right: 24, bottom: 40 },
      xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 26, minInterval: 1 },
      yAxis: { type: 'value', name: yName, scale: true },
      series: series
    }, extra || {});
  }
  function line(name, pts, opts) {
    return Object.assign({ name: name, type: 'line', data: pts, showSymbol: pts.length < 30, connectNulls: true }, opts || {});
  }

  function training() {
    const tr = data.training;
    if (!tr) return;
    const trial = data.job.trials.find((t) => t.id === tr.trial);
    if (!trial) return;
    $('training').hidden = false;
    const losses = tr.losses.map((n) => line(n, points(trial, n)));
    if (trial.metrics.log_loss) losses.push(line('log_loss (validation)', points(trial, 'log_loss'), { lineStyle: { type: 'dashed' } }));
    draw($('chart-losses'), lineOption('Losses (trial ' + trial.id + ')', losses, 'loss'));
    const val = tr.validation.filter((n) => n !== 'log_loss').map((n) => line(n, points(trial, n)));
    draw($('chart-validation'), lineOption('Validation metrics', val, 'value'));
    if (tr.learning_rate)
      draw($('chart-lr'), lineOption('Learning rate (end of epoch)', [line('learning_rate', points(trial, tr.learning_rate))], 'lr'));
    else $('chart-lr').remove();
  }

  function sortable(table) {
    const head = table.tHead.rows[0];
    Array.from(head.cells).forEach((th, col) => {
      th.addEventListener('click', () => {
        const asc = !th.classList.contains('asc');
        Array.from(head.cells).forEach((h) => h.classList.remove('asc', 'desc'));
        th.classList.add(asc ? 'asc' : 'desc');
        const rows = Array.from(table.tBodies[0].rows);
        rows.sort((a, b) => {
          const x = a.cells[col].dataset.value, y = b.cells[col].dataset.value;
          const nx = parseFloat(x), ny = parseFloat(y);
          const c = !isNaN(nx) && !isNaN(ny) ? nx - ny : String(x).localeCompare(String(y));
          return asc ? c : -c;
        });
        rows.forEach((r) => table.tBodies[0].appendChild(r));
      });
    });
  }

  function sweep() {
    const s = data.sweep;
    if (!s) return;
    $('sweep').hidden = false;
    const b = s.budget;
    $('budget').textContent = 'Budget: ' + b.trials_used + ' of ' + fmt(b.max_trials) + ' trials (' + fmt(b.max_concurrent_trials) +
      ' at a time); ' + (b.minutes_used === null ? '?' : b.minutes_used.toFixed(1)) + ' minutes used' +
      (b.timeout_minutes === null ? ' (no timeout)' : ' of ' + b.timeout_minutes) + '. Ranked by ' + s.metric + '.';
    const table = $('trial-table');
    const cols = ['trial', 'status'].concat(s.varied, ['best ' + s.metric, 'best epoch', 'minutes']);
    const thead = table.createTHead().insertRow();
    cols.forEach((c) => thead.appendChild(el('th', c)));
    const body = table.createTBody();
    const best = data.job.best_trial;
    s.trials.forEach((t) => {
      const row = body.insertRow();
      if (t.early_terminated) row.className = 'terminated';
      if (t.id === best) row.classList.add('best');
      const cells = [[t.id, t.index], [t.early_terminated ? 'terminated early' : t.status, t.status]];
      s.varied.forEach((p) => cells.push([fmt(t.values[p]), t.values[p]]));
      cells.push([fmt(t.best_metric), t.best_metric === null ? -Infinity : t.best_metric]);
      cells.push([t.best_epoch === null ? '-' : String(t.best_epoch + 1), t.best_epoch === null ? -1 : t.best_epoch]);
      cells.push([t.duration_seconds === null ? '-' : (t.duration_seconds / 60).toFixed(1), t.duration_seconds === null ? -1 : t.duration_seconds]);
      cells.forEach(([text, value]) => {
        const td = row.insertCell();
        td.textContent = text;
        td.dataset.value = typeof value === 'object' ? JSON.stringify(value) : String(value);
        if (t.message && text === 'terminated early') td.title = t.message;
      });
    });
    sortable(table);
    s.varied.forEach((p) => {
      const numeric = s.trials.every((t) => typeof t.values[p] === 'number');
      const pt = (t) => [numeric ? t.values[p] : fmt(t.values[p]), t.best_metric, t.id];
      const div = el('div', null, 'chart small');
      $('param-charts').appendChild(div);
      draw(div, {
        title: { text: s.metric + ' by ' + p, textStyle: { fontSize: 13 } },
        tooltip: { formatter: (q) => q.data[2] + ': ' + fmt(q.data[1]) },
        legend: { top: 22 },
        grid: { top: 56, left: 56, right: 24, bottom: 40 },
        xAxis: numeric ? { type: 'value', name: p, nameLocation: 'middle', nameGap: 26,
                           min: (v) => v.min - 0.1 * ((v.max - v.min) || Math.abs(v.max) || 1), max: (v) => v.max + 0.1 * ((v.max - v.min) || Math.abs(v.max) || 1) }
                       : { type: 'category', name: p, nameLocation: 'middle', nameGap: 26 },
        yAxis: { type: 'value', scale: true },
        series: [
          { name: 'finished', type: 'scatter', symbolSize: 10, data: s.trials.filter((t) => !t.early_terminated && t.best_metric !== null).map(pt) },
          { name: 'early terminated', type: 'scatter', symbol: 'triangle', symbolSize: 11, itemStyle: { color: '#d08000' },
            data: s.trials.filter((t) => t.early_terminated && t.best_metric !== null).map(pt) }
        ]
      });
    });
    const curves = s.trials.map((t) => line(t.id + (t.early_terminated ? ' (terminated)' : ''),
      t.curve.epochs.map((e, i) => [e + 1, t.curve.values[i]]),
      t.early_terminated ? { lineStyle: { type: 'dashed' } } : {}));
    draw($('chart-trials'), lineOption(s.metric + ' per epoch, every trial', curves, s.metric));
  }

  function apTable(ev) {
    const m = ev.metrics, voc = m.voc ? m.voc.per_label : null, coco = m.coco_per_label || null;
    const classes = Object.keys(voc || coco || {});
    const table = $('ap-table');
    const head = table.createTHead().insertRow();
    const cols = ['class'];
    if (voc) cols.push('objects', 'predictions', 'VOC AP@' + m.voc.iou_threshold, 'precision', 'recall');
    if (coco) cols.push('COCO AP@[.5:.95]');
    cols.forEach((c) => head.appendChild(el('th', c)));
    const body = table.createTBody();
    classes.forEach((c) => {
      const row = body.insertRow();
      const vals = [c];
      if (voc) vals.push(voc[c].ground_truths, voc[c].predictions, voc[c].average_precision, voc[c].precision, voc[c].recall);
      if (coco) vals.push(coco[c]);
      vals.forEach((v) => { row.insertCell().textContent = fmt(v); });
    });
  }

  function confusion(ev) {
    const ts = ev.confusion_thresholds;
    const name = (t) => 'confusion_matrix_score_threshold_' + String(t);
    const slider = $('threshold');
    slider.max = String(ts.length - 1);
    let start = ts.findIndex((t) => Math.abs(t - ev.initial_threshold) < 1e-9);
    slider.value = String(start < 0 ? 0 : start);
    const chart = draw($('chart-confusion'), {});
    function show() {
      const t = ts[Number(slider.value)];
      const cm = ev.confusion_matrices[name(t)];
      const labels = cm.data.class_labels, matrix = cm.data.matrix;
      const rows = labels.slice(0, -1).concat(['background']);
      const cells = [];
      let max = 1;
      matrix.forEach((row, i) => row.forEach((v, j) => {
        if (typeof v !== 'number') return;
        cells.push([j, i, v]);
        max = Math.max(max, v);
      }));
      chart.setOption({
        animation: false,
        title: { text: 'rows: ground truth (last: background), columns: predicted (last: missed)', textStyle: { fontSize: 12, fontWeight: 'normal' } },
        tooltip: { formatter: (q) => rows[q.data[1]] + ' / ' + labels[q.data[0]] + ': ' + q.data[2] },
        grid: { top: 40, left: 110, right: 90, bottom: 70 },
        xAxis: { type: 'category', data: labels, name: 'predicted', nameLocation: 'middle', nameGap: 50, axisLabel: { rotate: 30 } },
        yAxis: { type: 'category', data: rows, inverse: true, name: 'ground truth' },
        visualMap: { min: 0, max: max, calculable: false, orient: 'vertical', right: 0, top: 'middle', inRange: { color: ['#f7fbff', '#08306b'] } },
        series: [{ type: 'heatmap', data: cells, label: { show: true } }]
      }, { replaceMerge: ['series'] });
      $('threshold-value').textContent = 'score >= ' + t + ' (' + name(t) + ', IoU >= ' + cm.iou_threshold + ')';
      document.body.dataset.confusionThreshold = String(t);
    }
    slider.addEventListener('input', show);
    show();
  }

  function gallery(ev) {
    const legend = $('gallery-legend');
    legend.append('Boxes at score >= ' + ev.gallery_threshold + ':');
    [['true positive', '#28b43c'], ['false positive', '#e62828'], ['wrong class', '#c828c8'], ['missed object', '#ff9600']].forEach(([n, c]) => {
      const sw = el('span', null, 'swatch');
      sw.style.borderColor = c;
      legend.append(sw, n);
    });
    const g = $('gallery');
    ev.gallery.forEach((item) => {
      const fig = el('figure');
      if (item.image) {
        const img = el('img');
        img.src = item.image;
        img.alt = item.file;
        fig.appendChild(img);
      } else fig.appendChild(el('div', 'not shown: ' + item.error, 'note'));
      fig.appendChild(el('figcaption', item.file + ' - TP ' + item.true_positives + ', FP ' + item.false_positives +
        ', wrong class ' + item.wrong_class + ', missed ' + item.missed));
      g.appendChild(fig);
    });
  }

  function evaluation() {
    const ev = data.evaluation;
    if (!ev) {
      if (data.evaluation_note) { $('evaluation-note').hidden = false; $('evaluation-note').textContent = data.evaluation_note; }
      return;
    }
    $('evaluation').hidden = false;
    const m = ev.metrics;
    $('evaluation-summary').textContent = (ev.epoch === null || ev.epoch === undefined ? '' : 'Best epoch ' + (ev.epoch + 1) + ': ') +
      m.images + ' images, ' + m.ground_truth_boxes + ' objects, ' + m.predictions + ' predictions' +
      (m.box_score_threshold === null ? '' : ' (score > ' + m.box_score_threshold + ')') +
      '; mean_average_precision ' + fmt(m.mean_average_precision) + (m.coco ? ', COCO AP@[.5:.95] ' + fmt(m.coco.AP) : '') + '.';
    apTable(ev);
    const pr = Object.keys(ev.pr_curves).map((c) => line(c, ev.pr_curves[c].recall.map((r, i) => [r, ev.pr_curves[c].precision[i]]), { showSymbol: false }));
    draw($('chart-pr'), {
      tooltip: { trigger: 'item' }, legend: { top: 0, type: 'scroll' }, grid: { top: 40, left: 56, right: 24, bottom: 40 },
      xAxis: { type: 'value', name: 'recall', nameLocation: 'middle', nameGap: 26, min: 0, max: 1 },
      yAxis: { type: 'value', name: 'precision', min: 0, max: 1 }, series: pr
    });
    confusion(ev);
    gallery(ev);
  }

  document.title = data.title;
  $('title').textContent = data.title;
  if (data.job) {
    const j = data.job;
    $('summary').textContent = 'status ' + j.status + (j.message ? ' (' + j.message + ')' : '') + '; ' + j.trials.length +
      ' trial' + (j.trials.length === 1 ? '' : 's') + '; best trial ' + fmt(j.best_trial) + ' with ' + j.ranking_metric + ' ' + fmt(j.best_metric) +
      (j.best_epoch === null ? '' : ' at epoch ' + (j.best_epoch + 1)) + '.';
  }
  training();
  sweep();
  evaluation();
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
  window.autodetReport = { charts: charts.length };
})();
)js";

}  // namespace autodet::report
