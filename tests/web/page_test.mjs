// The teaching page in headless Chromium (Debian's, driven by puppeteer-core): it loads from
// file:// with no console error; moving the tone slider with the keyboard changes the shown
// root contact pressure; for several settings, set through the page's own controls, the
// scenario its "copy as scenario" gives, run by the command line, has the page's numbers
// (the same core and arithmetic: every summary metric of both arms, to the 10 significant
// digits of the program's JSON table; web_page_check compares the native page core's bits);
// a screenshot at 1280x800 goes to OUT_DIR.
// Usage: node page_test.mjs SITE_DIR DISCSIM OUT_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const [site, discsim, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node page_test.mjs SITE_DIR DISCSIM OUT_DIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const failures = [];
const fail = msg => { failures.push(msg); console.log('web_page: FAIL ' + msg); };

const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
                                         args: ['--no-sandbox', '--allow-file-access-from-files'] });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.type() + ': ' + m.text()); });
  page.on('pageerror', e => errors.push('exception: ' + e));
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(pathToFileURL(resolve(site, 'index.html')).href, { waitUntil: 'load' });
  await page.waitForFunction(() => window.discsimPage && window.discsimPage.runs > 0, { timeout: 20000 });
  const first = await page.evaluate(() => ({ ms: discsimPage.ms, error: discsimPage.error }));
  if (first.error) fail('first run: ' + first.error);
  console.log(`web_page: loaded; both arms of the default settings in ${first.ms.toFixed(1)} ms`);

  await page.screenshot({ path: join(out, 'page.png') }); // the default settings
  // the displayed mean contact pressure, control arm
  const shown = () => page.$eval('#effect_table tr[data-metric="mean_contact_pressure"] td.control', td => td.textContent);
  const before = await shown();
  const runs0 = await page.evaluate(() => discsimPage.runs);
  await page.focus('#tone');
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight'); // +1 % MVC
  await page.waitForFunction(n => discsimPage.runs > n && document.querySelector('#tone_out').textContent === '3.5 % MVC',
                             { timeout: 10000 }, runs0);
  await page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
  const after = await shown();
  console.log(`web_page: tone 2.5 -> 3.5 % MVC by keyboard: shown mean root contact ${before} -> ${after} mmHg`);
  if (before === after) fail('the shown contact pressure did not change with the tone');

  // the picture's time moves the picture without a new run; play advances it
  const runs1 = await page.evaluate(() => discsimPage.runs);
  const when0 = await page.$eval('#when_out', o => o.textContent);
  await page.focus('#when');
  await page.keyboard.press('ArrowRight');
  const when1 = await page.$eval('#when_out', o => o.textContent);
  if (when1 === when0) fail('the picture time did not move with its slider');
  await page.click('#play');
  await new Promise(r => setTimeout(r, 350));
  await page.click('#play');
  const when2 = await page.$eval('#when_out', o => o.textContent);
  if (when2 === when1) fail('playing the day did not move the picture time');
  if ((await page.evaluate(() => discsimPage.runs)) !== runs1) fail('moving the picture time ran the core again');
  console.log(`web_page: picture time ${when0} -> ${when1} by keyboard, -> ${when2} playing, no new run`);

  // settings through the controls, then the page's numbers against the command line's
  const settings = [
    { preset: 0, tone: '2.5', size: '4', gap: '1.5', grade: '3', session: '12', claimed: false },
    { preset: 1, tone: '3', size: '5', gap: '2.5', grade: '4', session: '64', claimed: true },
    { preset: 2, tone: '1', size: '3', gap: '0.5', grade: '2', session: '88', claimed: true },
  ];
  for (const [i, s] of settings.entries()) {
    const n = await page.evaluate(() => discsimPage.runs);
    await page.evaluate(s => {
      const set = (id, v) => { const el = document.getElementById(id); el.value = v; el.dispatchEvent(new Event('input')); };
      set('preset', String(s.preset));
      for (const k of ['tone', 'size', 'gap', 'grade', 'session']) set(k, s[k]);
      document.getElementById(s.claimed ? 'claimed' : 'measured').checked = true;
      document.getElementById('claimed').dispatchEvent(new Event('input'));
    }, s);
    await page.waitForFunction(n => discsimPage.runs > n, { timeout: 10000 }, n);
    await page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
    const got = await page.evaluate(() => ({ yaml: document.getElementById('yaml').value, error: discsimPage.error,
                                             metrics: discsimPage.results.metrics, ms: discsimPage.ms }));
    if (got.error) { fail(`setting ${i}: ${got.error}`); continue; }
    const file = join(out, `page_${i}.yaml`);
    writeFileSync(file, got.yaml);
    const table = JSON.parse(execFileSync(discsim, ['run', file, '-o', join(out, `page_${i}.h5`), '-q', '--table', 'json'],
                                          { encoding: 'utf8' }));
    let compared = 0;
    for (const m of got.metrics) {
      const row = table.arms.find(r => r.metric === m.name);
      if (!row) { fail(`setting ${i}: the command line has no ${m.name}`); continue; }
      // the table prints 10 significant digits
      m.values.forEach((v, a) => {
        const cli = row[a ? 'massage' : 'control'];
        if (Math.abs(v - cli) > 1e-9 * Math.max(1, Math.abs(cli))) fail(`setting ${i}: ${m.name}: page ${v}, command line ${cli}`);
        else compared++;
      });
    }
    if (compared < 20) fail(`setting ${i}: only ${compared} numbers compared`);
    const mc = got.metrics.find(m => m.name === 'mean_contact_pressure').values;
    console.log(`web_page: setting ${i}: ${compared} numbers equal the command line's; mean root contact ` +
                `${mc[0].toFixed(4)} -> ${mc[1].toFixed(4)} mmHg; ${got.ms.toFixed(1)} ms`);
  }
  if (errors.length) fail('console: ' + errors.join(' | '));
} finally {
  await browser.close();
}
console.log(failures.length ? `web_page: ${failures.length} failure(s)` : 'web_page: all checks passed');
process.exit(failures.length ? 1 : 0);
