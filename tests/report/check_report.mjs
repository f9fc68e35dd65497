// Opens autodet HTML reports from disk in Debian's Chromium (headless, driven by playwright-core)
// and checks what a reader sees: every chart drawn, every gallery image loaded, the score
// threshold control switching the confusion matrix, no console error, no network request.
// Usage: node check_report.mjs SCREENSHOT_DIR REPORT.html...
// Prints one JSON line per report; exits 1 when a check fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [shots, ...reports] = process.argv.slice(2);
if (!shots || reports.length === 0) {
  console.error('usage: node check_report.mjs SCREENSHOT_DIR REPORT.html...');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

let failed = false;
for (const [n, report] of reports.entries()) {
  const profile = mkdtempSync(join(tmpdir(), 'autodet-report-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, args, headless: true,
    viewport: { width: 1280, height: 900 } });
  const problems = [];
  const requests = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('requestfailed', (r) => { if (!requests.includes(r.url())) problems.push('request failed: ' + r.url()); });
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
  await page.waitForFunction(() => window.autodetReport !== undefined, null, { timeout: 15000 }).catch(() =>
    problems.push('the page script did not finish (window.autodetReport unset)'));

  const charts = await page.$$eval('.chart', (divs) => divs.filter((d) => !d.closest('[hidden]')).map((d) => ({
    id: d.id || d.parentElement.id, svg: d.querySelectorAll('svg').length,
    shapes: d.querySelectorAll('svg path, svg rect, svg text').length })));
  for (const c of charts) if (c.svg === 0 || c.shapes === 0) problems.push('chart ' + c.id + ' is empty (' + JSON.stringify(c) + ')');
  const drawn = await page.evaluate(() => (window.autodetReport || {}).charts);
  if (drawn !== charts.length) problems.push(`the page drew ${drawn} charts, ${charts.length} chart areas are shown`);

  const images = await page.$$eval('#gallery img', (imgs) => imgs.map((i) => ({ ok: i.complete && i.naturalWidth > 0, alt: i.alt })));
  for (const i of images) if (!i.ok) problems.push('gallery image not loaded: ' + i.alt);
  const notShown = await page.$$eval('#gallery .note', (n) => n.map((e) => e.textContent));
  for (const t of notShown) problems.push('gallery image missing: ' + t);

  // The threshold control: move it to a threshold whose matrix differs from the one shown.
  let thresholdChecked = 'no confusion matrix';
  if (await page.$('#evaluation:not([hidden]) #threshold')) {
    const target = await page.evaluate(() => {
      const ev = JSON.parse(document.getElementById('report-data').textContent).evaluation;
      const name = (t) => 'confusion_matrix_score_threshold_' + String(t);
      const now = JSON.stringify(ev.confusion_matrices[name(ev.initial_threshold)].data.matrix);
      return ev.confusion_thresholds.findIndex((t) => JSON.stringify(ev.confusion_matrices[name(t)].data.matrix) !== now);
    });
    const before = await page.$eval('#chart-confusion', (d) => d.innerHTML);
    const label = await page.$eval('#threshold-value', (d) => d.textContent);
    const index = target >= 0 ? target : 0;
    await page.$eval('#threshold', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }, index);
    const after = await page.$eval('#chart-confusion', (d) => d.innerHTML);
    const label2 = await page.$eval('#threshold-value', (d) => d.textContent);
    if (target >= 0) {
      if (after === before) problems.push('moving the threshold did not change the drawn matrix');
      if (label2 === label) problems.push('moving the threshold did not change its label');
      thresholdChecked = 'matrix changed';
    } else thresholdChecked = 'every recorded matrix is the same';
    await page.$eval('#threshold', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); },
      await page.evaluate(() => {
        const ev = JSON.parse(document.getElementById('report-data').textContent).evaluation;
        return ev.confusion_thresholds.indexOf(ev.initial_threshold);
      }));
  }
  // The trial table sorts when a header is clicked.
  if (await page.$('#sweep:not([hidden]) #trial-table th')) {
    const order = () => page.$$eval('#trial-table tbody tr', (rows) => rows.map((r) => r.cells[0].textContent).join(','));
    const first = await order();
    await page.click('#trial-table th:nth-child(1)');
    const asc = await order();
    await page.click('#trial-table th:nth-child(1)');
    const desc = await order();
    if (asc === desc && asc.includes(',')) problems.push('clicking a trial table header did not sort it');
    if (!first) problems.push('the trial table is empty');
  }
  if (requests.length) problems.push('network requests: ' + requests.join(' '));
  const shot = join(shots, `${n}-${basename(dirname(report))}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  console.log(JSON.stringify({ report, charts: charts.length, images: images.length, threshold: thresholdChecked,
    requests: requests.length, screenshot: shot, problems }));
  if (problems.length) failed = true;
}
process.exit(failed ? 1 : 0);
