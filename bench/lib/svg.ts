// A small SVG writer for the bench charts (no dependency): horizontal grouped
// bars with p10-p90 whiskers, and lines over a log-scaled x axis. Each series
// is a <g class="series" data-series="NAME"> so tests and readers can find it.

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** Rough width of one character at font-size 12, for layout. */
const CHAR_W = 6.6;

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One element; attribute values are escaped, children are trusted markup. */
function el(name: string, attrs: Record<string, string | number>, children = ''): string {
  let a = '';
  for (const k of Object.keys(attrs)) a += ` ${k}="${escapeXml(String(attrs[k]))}"`;
  return children === '' ? `<${name}${a}/>` : `<${name}${a}>${children}</${name}>`;
}

const text = (x: number, y: number, s: string, extra: Record<string, string | number> = {}): string =>
  el('text', { x: r(x), y: r(y), ...extra }, escapeXml(s));
const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, extra: Record<string, string | number> = {}): string =>
  el('line', { x1: r(x1), y1: r(y1), x2: r(x2), y2: r(y2), stroke, ...extra });
const r = (v: number): number => Math.round(v * 10) / 10;

function document(width: number, height: number, title: string, body: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}` },
      el('title', {}, escapeXml(title)) +
      el('rect', { width, height, fill: 'white' }) +
      text(width / 2, 20, title, { 'text-anchor': 'middle', 'font-family': 'sans-serif', 'font-size': 14, 'font-weight': 'bold' }) +
      body) + '\n';
}

/** Ticks at 1, 2, 5 x 10^k covering [0, max]. */
function linearTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Ticks at 1, 2, 5 x 10^k within [lo, hi] (log scale). */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(Number(v.toPrecision(12)));
    }
  }
  return ticks;
}

export const formatNumber = (v: number): string =>
  v >= 1e4 ? v.toExponential(0).replace('e+', 'e') : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : Number(v.toPrecision(3)).toString();

/** The series legend, wrapped over rows that fit the width; returns the markup and the height it takes. */
function legend(names: string[], width: number, y: number): { markup: string; height: number } {
  let markup = '';
  let x = 20;
  let row = 0;
  names.forEach((n, i) => {
    const w = 24 + n.length * CHAR_W;
    if (x > 20 && x + w > width - 20) {
      x = 20;
      row++;
    }
    const ry = y + row * 18;
    markup += el('rect', { x: r(x), y: ry - 9, width: 10, height: 10, fill: PALETTE[i % PALETTE.length] });
    markup += text(x + 14, ry, n, { 'font-family': 'sans-serif', 'font-size': 12 });
    x += w;
  });
  return { markup, height: (row + 1) * 18 };
}

export interface BarSeries {
  name: string;
  /** One value per category; null leaves a gap. */
  values: (number | null)[];
  /** Optional whiskers (e.g. p10 and p90) per category. */
  lo?: (number | null)[];
  hi?: (number | null)[];
}

export interface BarChart {
  title: string;
  /** Axis label, with the unit. */
  axis: string;
  categories: string[];
  series: BarSeries[];
  width?: number;
}

/** Horizontal grouped bars: one group per category, one bar per series. */
export function barChart(c: BarChart): string {
  const width = c.width ?? 800;
  const bar = 11;
  const gap = 10;
  const left = 16 + Math.max(...c.categories.map((s) => s.length)) * CHAR_W;
  const right = 50;
  const leg = legend(c.series.map((s) => s.name), width, 42);
  const top = 30 + leg.height;
  const groupH = c.series.length * bar + gap;
  const plotH = c.categories.length * groupH;
  const height = top + plotH + 40;
  let max = 0;
  for (const s of c.series) for (const v of [...s.values, ...(s.hi ?? [])]) if (v != null && v > max) max = v;
  const ticks = linearTicks(max);
  const xMax = ticks[ticks.length - 1];
  const x = (v: number): number => left + (v / xMax) * (width - left - right);

  let body = leg.markup;
  for (const t of ticks) {
    body += line(x(t), top, x(t), top + plotH, '#ddd');
    body += text(x(t), top + plotH + 16, formatNumber(t), { 'text-anchor': 'middle', 'font-family': 'sans-serif', 'font-size': 11 });
  }
  body += text(left + (width - left - right) / 2, top + plotH + 34, c.axis, { 'text-anchor': 'middle', 'font-family': 'sans-serif', 'font-size': 12 });
  c.categories.forEach((cat, i) => {
    body += text(left - 6, top + i * groupH + (groupH - gap) / 2 + 4, cat, { 'text-anchor': 'end', 'font-family': 'sans-serif', 'font-size': 12 });
  });
  c.series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    let g = '';
    s.values.forEach((v, i) => {
      if (v == null) return;
      const y = top + i * groupH + si * bar;
      g += el('rect', { x: r(left), y: r(y), width: r(Math.max(0.5, x(v) - left)), height: bar - 2, fill: color },
        el('title', {}, escapeXml(`${s.name}, ${c.categories[i]}: ${formatNumber(v)}`)));
      const lo = s.lo?.[i];
      const hi = s.hi?.[i];
      if (lo != null && hi != null) g += line(x(lo), y + (bar - 2) / 2, x(hi), y + (bar - 2) / 2, '#333', { 'stroke-width': 1 });
      g += text(Math.max(x(v), hi != null ? x(hi) : 0) + 3, y + bar - 3, formatNumber(v), { 'font-family': 'sans-serif', 'font-size': 9, fill: '#333' });
    });
    body += el('g', { class: 'series', 'data-series': s.name }, g);
  });
  body += line(left, top, left, top + plotH, '#333');
  return document(width, height, c.title, body);
}

export interface LineSeries {
  name: string;
  points: [number, number][];
}

export interface LineChart {
  title: string;
  xAxis: string;
  yAxis: string;
  series: LineSeries[];
  /** Where to put x ticks (default: every x of the first series). */
  xTicks?: number[];
  /** Format of an x tick label. */
  xLabel?: (v: number) => string;
  logY?: boolean;
  width?: number;
  height?: number;
}

/** Lines over a log2 x axis (message sizes), y linear or log10. */
export function lineChart(c: LineChart): string {
  const width = c.width ?? 800;
  const leg = legend(c.series.map((s) => s.name), width, 42);
  const height = (c.height ?? 440) + leg.height;
  const left = 70;
  const right = 20;
  const top = 38 + leg.height;
  const bottom = 56;
  const all = c.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter((v) => v > 0);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMin = c.logY ? Math.min(...ys) : 0;
  const yMax = Math.max(...ys);
  const yTicks = c.logY ? logTicks(10 ** Math.floor(Math.log10(yMin)), 10 ** Math.ceil(Math.log10(yMax))) : linearTicks(yMax);
  const y0 = yTicks[0];
  const y1 = yTicks[yTicks.length - 1];
  const span = Math.log2(xMax / xMin) || 1;
  const px = (v: number): number => left + (Math.log2(v / xMin) / span) * (width - left - right);
  const py = (v: number): number => {
    const f = c.logY ? Math.log10(v / y0) / Math.log10(y1 / y0) : (v - y0) / (y1 - y0);
    return top + (1 - f) * (height - top - bottom);
  };
  let body = leg.markup;
  for (const t of yTicks) {
    body += line(left, py(t), width - right, py(t), '#ddd');
    body += text(left - 6, py(t) + 4, formatNumber(t), { 'text-anchor': 'end', 'font-family': 'sans-serif', 'font-size': 11 });
  }
  const fmt = c.xLabel ?? formatNumber;
  for (const t of c.xTicks ?? c.series[0]?.points.map((p) => p[0]) ?? []) {
    body += line(px(t), top, px(t), height - bottom, '#eee');
    body += text(px(t), height - bottom + 16, fmt(t), { 'text-anchor': 'middle', 'font-family': 'sans-serif', 'font-size': 11 });
  }
  body += text(left + (width - left - right) / 2, height - 14, c.xAxis, { 'text-anchor': 'middle', 'font-family': 'sans-serif', 'font-size': 12 });
  body += text(16, top + (height - top - bottom) / 2, c.yAxis,
    { 'text-anchor': 'middle', 'font-family': 'sans-serif', 'font-size': 12, transform: `rotate(-90 16 ${r(top + (height - top - bottom) / 2)})` });
  c.series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    const pts = s.points.filter((p) => p[1] > 0 || !c.logY);
    let g = el('polyline', { points: pts.map((p) => `${r(px(p[0]))},${r(py(p[1]))}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 2 });
    for (const p of pts) {
      g += el('circle', { cx: r(px(p[0])), cy: r(py(p[1])), r: 3, fill: color },
        el('title', {}, escapeXml(`${s.name}, ${fmt(p[0])}: ${formatNumber(p[1])}`)));
    }
    body += el('g', { class: 'series', 'data-series': s.name }, g);
  });
  body += line(left, top, left, height - bottom, '#333') + line(left, height - bottom, width - right, height - bottom, '#333');
  return document(width, height, c.title, body);
}
