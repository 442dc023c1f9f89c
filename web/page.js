// The teaching page: the controls, the core's runs (discsim_core.js, web/page_core.h) and
// the tables and figures of their results. window.discsimPage exposes the state for tests.
'use strict';

const ARMS = ['control', 'massage'];
const METRIC_TEXT = { // the summary's metrics as a reader says them
  mean_contact_pressure: 'mean root contact pressure', peak_contact_pressure: 'peak root contact pressure',
  mean_nucleus_pressure: 'mean nucleus pressure', peak_nucleus_pressure: 'peak nucleus pressure',
  mean_protrusion: 'mean protrusion', height_lost: 'height lost over the day',
};

const $ = id => document.getElementById(id);
const page = { ready: null, results: null, yaml: '', ms: 0, runs: 0, error: '' };
window.discsimPage = page;

let core = null, api = null;

function bind(Module) {
  const f = (name, ret, args) => Module.cwrap(name, ret, args);
  return {
    run: f('page_run', 'number', ['number', 'number', 'number', 'number', 'number', 'number', 'number']),
    error: f('page_error', 'string', []),
    nrecords: f('page_nrecords', 'number', []),
    series: f('page_series', 'number', ['number', 'number']),
    seriesKey: f('page_series_key', 'string', ['number']),
    nmetrics: f('page_nmetrics', 'number', []),
    metricName: f('page_metric_name', 'string', ['number']),
    metricUnit: f('page_metric_unit', 'string', ['number']),
    metric: f('page_metric', 'number', ['number', 'number']),
    steps: f('page_steps', 'number', ['number']),
    sessionStart: f('page_session_start', 'number', []),
    npreset: f('page_npreset', 'number', []),
    presetName: f('page_preset_name', 'string', ['number']),
    presetClock: f('page_preset_clock', 'number', ['number']),
    nthreshold: f('page_nthreshold', 'number', []),
    thresholdName: f('page_threshold_name', 'string', ['number']),
    thresholdMmhg: f('page_threshold_mmhg', 'number', ['number']),
    defaultGap: f('page_default_gap', 'number', []),
    rootDiameter: f('page_root_diameter', 'number', []),
    yaml: f('page_scenario_yaml', 'string', ['number', 'number', 'number', 'number', 'number', 'number', 'number']),
  };
}

function presetTitle(name) {
  const s = name.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// The controls as the core's arguments (numbers exactly as the sliders give them).
function readSettings() {
  const preset = Number($('preset').value);
  const clock = api.presetClock(preset);
  return {
    preset,
    tone: Number($('tone').value) / 100,
    size: Number($('size').value),
    gap: Number($('gap').value),
    grade: Number($('grade').value),
    minute: Math.round(clock * 60 + Number($('session').value) * 15) % 1440,
    claimed: $('claimed').checked ? 1 : 0,
  };
}

function showOutputs(s) {
  $('tone_out').textContent = (s.tone * 100).toFixed(1) + ' % MVC';
  $('size_out').textContent = s.size.toFixed(1) + ' mm';
  $('gap_out').textContent = s.gap.toFixed(1) + ' mm';
  $('grade_out').textContent = 'grade ' + s.grade;
  $('session_out').textContent = clock(s.minute / 60);
  const when = api.presetClock(s.preset) + Number($('when').value) / 60;
  $('when_out').textContent = clock(when);
}

function runCore(s) {
  const t0 = performance.now();
  const rc = api.run(s.preset, s.tone, s.size, s.gap, s.grade, s.minute, s.claimed);
  const ms = performance.now() - t0;
  if (rc !== 0) throw new Error(api.error());
  const n = api.nrecords(), heap = core.HEAPF64;
  const series = ARMS.map((_, a) => { // by the core's own keys (page_core.h, PAGE_SERIES)
    const out = {};
    for (let i = 0; api.seriesKey(i); i++) {
      const at = api.series(a, i) / 8;
      out[api.seriesKey(i)] = heap.slice(at, at + n);
    }
    return out;
  });
  const metrics = [];
  for (let k = 0; k < api.nmetrics(); k++)
    metrics.push({ name: api.metricName(k), unit: api.metricUnit(k), values: ARMS.map((_, a) => api.metric(a, k)) });
  return { series, metrics, steps: ARMS.map((_, a) => api.steps(a)), session: api.sessionStart(), ms, n };
}

function fmt(v, unit) {
  if (!isFinite(v)) return '–';
  const a = Math.abs(v), d = unit === 'min' ? 1 : a >= 100 ? 2 : a >= 1 ? 3 : 4;
  return v.toFixed(d);
}

function metricText(m) {
  if (m.name.startsWith('minutes_above_')) return 'minutes above ' + m.name.slice(14).replace(/_/g, ' ');
  return METRIC_TEXT[m.name] || m.name.replace(/_/g, ' ');
}

function showTable(r) {
  const body = $('effect_table').tBodies[0];
  body.textContent = '';
  for (const m of r.metrics) {
    const tr = body.insertRow();
    tr.dataset.metric = m.name;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = metricText(m);
    tr.appendChild(th);
    const [c, x] = m.values, d = x - c;
    const cells = { unit: m.unit, control: fmt(c, m.unit), massage: fmt(x, m.unit),
                    change: d === 0 ? '0' : (d > 0 ? '+' : '') + d.toPrecision(3),
                    percent: c !== 0 ? (d > 0 ? '+' : '') + (100 * d / c).toFixed(3) : '–' };
    for (const [k, v] of Object.entries(cells)) {
      const td = tr.insertCell();
      td.className = k;
      td.textContent = v;
    }
  }
}

// The answer in words: the root's contact pressure, massage against control, during the
// session (its largest fall) and an hour after it ends.
function answer(r) {
  const t = r.series[0].time, c = r.series[0].contact, m = r.series[1].contact;
  let fall = 0, after = NaN;
  for (let i = 0; i < t.length; i++) {
    if (t[i] >= r.session && t[i] <= r.session + 0.5) fall = Math.min(fall, m[i] - c[i]);
    if (isNaN(after) && t[i] >= r.session + 1.5) after = m[i] - c[i];
  }
  const mmhg = v => Math.abs(v) < 0.005 ? 'less than 0.01 mmHg' : Math.abs(v).toFixed(2) + ' mmHg';
  if (Math.max(...c) <= 0 && Math.max(...m) <= 0) return 'The herniation does not reach the root in either arm.';
  const during = fall > -0.005 ? 'changes by less than 0.01 mmHg' : `falls by up to ${mmhg(fall)}`;
  return `During the session the root's contact pressure ${during} against control; ` +
    (isNaN(after) ? 'the day ends before an hour has passed.' : `an hour after it, the difference is ${mmhg(after)}.`);
}

function draw(r) {
  const x = r.series[0].time, xlo = x[0], xhi = x[x.length - 1];
  const shade = [r.session, r.session + 0.5];
  const k = Math.min(r.n - 1, Math.round(Number($('when').value)));
  const marker = x[k]; // the picture's time, on every chart
  const arms = (key, keyed) => [ // the key once, on the first chart
    { y: r.series[0][key], color: COLORS.control, width: 3.5, label: keyed ? 'control' : '' },
    { y: r.series[1][key], color: COLORS.massage, width: 1.8, dash: [7, 4], label: keyed ? 'massage' : '' },
  ];
  lineChart($('c_pressure'), { title: 'L4–L5 nucleus pressure', unit: 'MPa', x, xlo, xhi, shade, marker,
                               series: arms('pressure', true) });
  lineChart($('c_height'), { title: 'L4–L5 disc height', unit: 'mm', x, xlo, xhi, shade, marker, series: arms('height') });
  const thr = [];
  for (let k = 0; k < api.nthreshold(); k++) thr.push({ y: api.thresholdMmhg(k), label: api.thresholdName(k).replace(/_/g, ' ') });
  lineChart($('c_contact'), { title: 'Nerve-root contact pressure', unit: 'mmHg', x, xlo, xhi, shade, zero: true,
                              marker, hlines: thr, series: arms('contact') });
  const diff = r.series[1].contact.map((v, i) => v - r.series[0].contact[i]);
  lineChart($('c_diff'), { title: 'Root contact, massage − control', unit: 'mmHg', x,
                           xlo: Math.max(xlo, r.session - 0.5), xhi: Math.min(xhi, r.session + 3), shade, zero: true,
                           marker, series: [{ y: diff, color: COLORS.massage, width: 2.2 }] });
  const thresholds = thr.map(t => ({ mmHg: t.y }));
  schematic($('schematic'), ARMS.map((name, a) => ({
    name: name + ' at ' + clock(x[k]), height: r.series[a].height[k], pressure: r.series[a].pressure[k],
    protrusion: r.series[a].protrusion[k], gap: r.series[a].gap[k], contact: r.series[a].contact[k],
  })), api.rootDiameter(), thresholds);
}

function update() {
  const s = readSettings();
  showOutputs(s);
  try {
    const r = runCore(s);
    page.results = r;
    page.yaml = api.yaml(s.preset, s.tone, s.size, s.gap, s.grade, s.minute, s.claimed);
    page.ms = r.ms;
    page.runs++;
    page.error = '';
    $('yaml').value = page.yaml;
    showTable(r);
    $('answer').textContent = answer(r);
    draw(r);
    $('status').textContent = `Both arms, three simulated days each (${r.steps[0]} and ${r.steps[1]} steps), ` +
      `computed in ${r.ms.toFixed(0)} ms in this browser.`;
  } catch (e) {
    page.error = String(e.message || e);
    $('status').textContent = 'The core could not run these settings: ' + page.error;
  }
}

// Recompute at most once a frame while a slider moves.
let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; update(); });
}

// Plays the day in the picture: ten minutes every tenth of a second, from the picture's time
// (from the start once at the end); the button stops it.
let player = null;
function play() {
  const when = $('when'), button = $('play');
  if (player) {
    clearInterval(player);
    player = null;
    button.textContent = 'Play the day';
    return;
  }
  if (Number(when.value) >= Number(when.max)) when.value = '0';
  button.textContent = 'Stop';
  player = setInterval(() => {
    when.value = String(Math.min(Number(when.max), Number(when.value) + 10));
    when.dispatchEvent(new Event('input'));
    if (Number(when.value) >= Number(when.max)) play();
  }, 100);
}

async function copyScenario() {
  const status = $('copy_status');
  try {
    await navigator.clipboard.writeText(page.yaml);
    status.textContent = 'Copied: save it as a .yaml file and run discsim run FILE.yaml -o out.h5';
  } catch (e) { // clipboard refused (file:// or no permission): select the text for the reader to copy
    const t = $('yaml');
    t.closest('details').open = true;
    t.focus();
    t.select();
    status.textContent = document.execCommand && document.execCommand('copy') ? 'Copied.' :
      'Selected below: copy it with Ctrl+C.';
  }
}

page.ready = discsimCore().then(Module => {
  core = Module;
  api = bind(Module);
  for (let k = 0; k < api.npreset(); k++) {
    const o = document.createElement('option');
    o.value = String(k);
    o.textContent = presetTitle(api.presetName(k));
    $('preset').appendChild(o);
  }
  $('gap').value = String(api.defaultGap());
  for (const el of document.querySelectorAll('#controls input, #controls select'))
    if (el.id !== 'when') el.addEventListener('input', schedule);
  // the picture's time moves only the picture and the charts' marker: no new run
  $('when').addEventListener('input', () => { showOutputs(readSettings()); if (page.results) draw(page.results); });
  $('play').addEventListener('click', play);
  $('copy').addEventListener('click', copyScenario);
  update();
  return page;
});
