// Line charts and the segment's schematic on canvases, drawn by hand so that the page has no
// dependency and works from file://. Colours: the figures' colour-blind-safe palette
// (plots/style.gp): control black, massage vermillion.
'use strict';

const COLORS = { control: '#000000', massage: '#D55E00', grid: '#d9d9d9', session: 'rgba(0,114,178,0.13)',
                 text: '#222222', threshold: '#0072B2' };

// A canvas drawn at the screen's pixel density, in CSS pixels.
function context2d(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = Number(canvas.getAttribute('width')), h = Number(canvas.getAttribute('height'));
  if (canvas.dataset.ratio !== String(ratio)) {
    canvas.style.width = w + 'px';
    canvas.style.height = h + 'px';
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    canvas.dataset.ratio = String(ratio);
  }
  const c = canvas.getContext('2d');
  c.setTransform(ratio, 0, 0, ratio, 0, 0);
  c.clearRect(0, 0, w, h);
  c.font = '13px "DejaVu Sans", Arial, sans-serif';
  c.textAlign = 'left'; // the context keeps its state between drawings
  c.textBaseline = 'alphabetic';
  c.setLineDash([]);
  return { c, w, h };
}

// About n round tick values over [lo, hi].
function ticks(lo, hi, n) {
  const span = hi - lo || 1, raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map(f => f * mag).find(s => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { values: out, step };
}

function clock(h) {
  const m = Math.round(((h % 24) + 24) % 24 * 60);
  return String(Math.floor(m / 60) % 24).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0');
}

// opts: {title, unit, x: Float64Array (h), series: [{y, color, width, dash, label}],
//        xlo, xhi, shade: [from, to] (h), hlines: [{y, label}], zero: include 0, marker: x}
function lineChart(canvas, opts) {
  const { c, w, h } = context2d(canvas);
  const L = 62, R = 12, T = 24, B = 28, pw = w - L - R, ph = h - T - B;
  const xlo = opts.xlo, xhi = opts.xhi;
  let ylo = Infinity, yhi = -Infinity;
  for (const s of opts.series)
    for (let i = 0; i < s.y.length; i++)
      if (opts.x[i] >= xlo && opts.x[i] <= xhi) { ylo = Math.min(ylo, s.y[i]); yhi = Math.max(yhi, s.y[i]); }
  for (const hl of opts.hlines || []) if (hl.y <= yhi * 1.15) yhi = Math.max(yhi, hl.y);
  if (opts.zero) { ylo = Math.min(ylo, 0); yhi = Math.max(yhi, 0); }
  if (!isFinite(ylo)) { ylo = 0; yhi = 1; }
  if (yhi - ylo < 1e-12 * Math.max(1, Math.abs(yhi))) { ylo -= 1; yhi += 1; }
  const pad = 0.06 * (yhi - ylo);
  ylo -= pad; yhi += pad;
  const X = x => L + (x - xlo) / (xhi - xlo) * pw, Y = y => T + (yhi - y) / (yhi - ylo) * ph;
  c.fillStyle = COLORS.text;
  c.textBaseline = 'alphabetic';
  c.fillText(opts.title + (opts.unit ? ' (' + opts.unit + ')' : ''), L, 16);
  if (opts.shade) {
    c.fillStyle = COLORS.session;
    const a = Math.max(X(opts.shade[0]), L), b = Math.min(X(opts.shade[1]), L + pw);
    if (b > a) c.fillRect(a, T, Math.max(b - a, 2), ph);
  }
  c.strokeStyle = COLORS.grid;
  c.lineWidth = 1;
  c.fillStyle = COLORS.text;
  c.textAlign = 'right';
  c.textBaseline = 'middle';
  const yt = ticks(ylo, yhi, 4);
  const digits = Math.max(0, -Math.floor(Math.log10(yt.step) + 1e-9));
  for (const v of yt.values) {
    c.beginPath(); c.moveTo(L, Y(v)); c.lineTo(L + pw, Y(v)); c.stroke();
    c.fillText(v.toFixed(Math.min(digits, 6)), L - 6, Y(v));
  }
  c.textAlign = 'center';
  c.textBaseline = 'top';
  const span = xhi - xlo, xstep = span > 12 ? 3 : span > 4 ? 1 : 0.5;
  for (let x = Math.ceil(xlo / xstep) * xstep; x <= xhi + 1e-9; x += xstep) {
    c.beginPath(); c.moveTo(X(x), T); c.lineTo(X(x), T + ph); c.stroke();
    const half = c.measureText(clock(x)).width / 2;
    if (X(x) + half <= w && X(x) - half >= 0) c.fillText(clock(x), X(x), T + ph + 6);
  }
  c.strokeStyle = '#888888';
  c.strokeRect(L, T, pw, ph);
  c.save();
  c.beginPath(); c.rect(L, T, pw, ph); c.clip();
  for (const hl of opts.hlines || []) {
    if (hl.y < ylo || hl.y > yhi) continue;
    c.strokeStyle = COLORS.threshold;
    c.setLineDash([5, 4]);
    c.lineWidth = 1.2;
    c.beginPath(); c.moveTo(L, Y(hl.y)); c.lineTo(L + pw, Y(hl.y)); c.stroke();
    c.setLineDash([]);
    c.textAlign = 'left';
    c.textBaseline = 'bottom';
    const label = hl.label + ' ' + hl.y + ' mmHg', tw = c.measureText(label).width;
    c.fillStyle = 'rgba(255,255,255,0.85)';
    c.fillRect(L + 4, Y(hl.y) - 16, tw + 6, 15);
    c.fillStyle = COLORS.threshold;
    c.fillText(label, L + 7, Y(hl.y) - 2);
  }
  if (opts.marker >= xlo && opts.marker <= xhi) { // a time picked elsewhere on the page
    c.strokeStyle = '#555555';
    c.lineWidth = 1;
    c.setLineDash([2, 3]);
    c.beginPath(); c.moveTo(X(opts.marker), T); c.lineTo(X(opts.marker), T + ph); c.stroke();
    c.setLineDash([]);
  }
  for (const s of opts.series) {
    c.strokeStyle = s.color;
    c.lineWidth = s.width || 2;
    c.setLineDash(s.dash || []);
    c.beginPath();
    let started = false;
    for (let i = 0; i < s.y.length; i++) {
      if (opts.x[i] < xlo - 0.1 || opts.x[i] > xhi + 0.1) continue;
      if (!started) { c.moveTo(X(opts.x[i]), Y(s.y[i])); started = true; } else c.lineTo(X(opts.x[i]), Y(s.y[i]));
    }
    c.stroke();
  }
  c.setLineDash([]);
  c.restore();
  // key, top right
  c.textAlign = 'right';
  c.textBaseline = 'alphabetic';
  let kx = w - R;
  for (const s of opts.series.slice().reverse()) {
    if (!s.label) continue;
    c.fillStyle = COLORS.text;
    c.fillText(s.label, kx, 16);
    kx -= c.measureText(s.label).width + 6;
    c.strokeStyle = s.color;
    c.lineWidth = s.width || 2;
    c.setLineDash(s.dash || []);
    c.beginPath(); c.moveTo(kx - 24, 11); c.lineTo(kx, 11); c.stroke();
    c.setLineDash([]);
    kx -= 34;
  }
}

// The L4-L5 segment of each arm at one record, side by side: vertebral bodies, the disc at
// its height, the nucleus shaded by its pressure, the herniation's protrusion and the nerve
// root, flattened where the fragment presses it. Not to scale: heights and the posterior
// structures are magnified so that a tenth of a millimetre shows.
function schematic(canvas, arms, rootDiameter, thresholds) {
  const { c, w, h } = context2d(canvas);
  const HS = 5, PS = 6; // px per mm: disc height, herniation and root
  const panel = w / arms.length;
  arms.forEach((a, i) => {
    const x0 = i * panel, bw = 84, bh = 38, cx = x0 + 8 + bw / 2, cy = 96;
    const dh = a.height * HS, top = cy - dh / 2, bottom = cy + dh / 2;
    c.fillStyle = COLORS.text;
    c.font = 'bold 13px "DejaVu Sans", Arial, sans-serif';
    c.fillText(a.name, x0 + 8, 15);
    c.font = '12px "DejaVu Sans", Arial, sans-serif';
    // vertebral bodies
    c.strokeStyle = '#7a705a';
    c.lineWidth = 1.5;
    for (const [y, label] of [[top - bh, 'L4'], [bottom, 'L5']]) {
      c.fillStyle = '#e8e2d0';
      c.fillRect(cx - bw / 2, y, bw, bh);
      c.strokeRect(cx - bw / 2, y, bw, bh);
      c.fillStyle = '#7a705a';
      c.textAlign = 'center';
      c.fillText(label, cx, y + bh / 2 + 4);
    }
    // disc and nucleus, darker with pressure (0 to 1 MPa)
    c.fillStyle = '#cfe3f1';
    c.fillRect(cx - bw / 2, top, bw, dh);
    const p = Math.max(0, Math.min(1, a.pressure));
    c.fillStyle = `rgb(${Math.round(86 - 86 * p)},${Math.round(180 - 66 * p)},${Math.round(233 - 55 * p)})`;
    c.beginPath();
    c.ellipse(cx, cy, bw * 0.22, Math.max(dh * 0.36, 1), 0, 0, 2 * Math.PI);
    c.fill();
    // herniation: from the posterior edge (right), its protrusion
    const edge = cx + bw / 2, tip = edge + a.protrusion * PS;
    c.fillStyle = '#56B4E9';
    c.beginPath();
    c.moveTo(edge, cy - dh * 0.3);
    c.quadraticCurveTo(2 * tip - edge, cy, edge, cy + dh * 0.3);
    c.closePath();
    c.fill();
    // nerve root: at rest its near surface lies `gap` behind the posterior edge; the fragment
    // beyond it flattens it (drawn as an ellipse squeezed by the overlap)
    const r = rootDiameter * PS / 2, rest = edge + a.gap * PS;
    const overlap = Math.max(0, tip - rest), rx = Math.max(r - overlap / 2, r * 0.35), near = Math.max(rest, tip);
    let color = '#009E73';
    for (const t of thresholds) if (a.contact > t.mmHg) color = t.mmHg >= 50 ? '#D55E00' : '#E69F00';
    c.fillStyle = color;
    c.beginPath();
    c.ellipse(near + rx, cy, rx, r * r / rx, 0, 0, 2 * Math.PI);
    c.fill();
    c.fillStyle = '#555555';
    c.textAlign = 'left';
    c.fillText('root', near + 2 * rx + 3, cy + 4);
    c.fillStyle = COLORS.text;
    const lines = [`height ${a.height.toFixed(3)} mm`, `pressure ${a.pressure.toFixed(4)} MPa`,
                   `protrusion ${a.protrusion.toFixed(3)} mm`, `root contact ${a.contact.toFixed(2)} mmHg`];
    lines.forEach((s, k) => c.fillText(s, x0 + 8, 176 + 15 * k));
  });
  c.fillStyle = '#555555';
  c.textAlign = 'right';
  c.font = '11px "DejaVu Sans", Arial, sans-serif';
  c.fillText(`not to scale: heights ×${HS}, herniation and root ×${PS} (px/mm)`, w - 4, h - 2);
}
