// The SVG writer: well-formed documents, one group per series with one mark
// per value, names and labels escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, escapeXml, lineChart } from '../../bench/lib/svg.js';
import { allElements, parseXml, seriesOf } from './xml.js';

test('escapeXml escapes the five XML specials', () => {
  assert.equal(escapeXml(`a<b>&"c"`), 'a&lt;b&gt;&amp;&quot;c&quot;');
});

test('barChart: one <rect> per non-null value in each series group, whiskers where given, names escaped', () => {
  const svg = barChart({
    title: 'Handshake <wall> & CPU',
    axis: 'ms',
    categories: ['AES-128-GCM x25519', 'ChaCha20 "quoted"', 'third'],
    series: [
      { name: 'node:tls → node:tls', values: [2.5, 3, 4], lo: [2, 2.5, 3.5], hi: [3, 3.5, 4.5] },
      { name: 'microtls <noble>', values: [10, null, 12] },
    ],
  });
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
  const title = root.children.find((e) => e.name === 'title');
  assert.equal(title?.text, 'Handshake <wall> & CPU');
  const series = seriesOf(root);
  assert.deepEqual([...series.keys()], ['node:tls → node:tls', 'microtls <noble>']);
  const rects = (name: string) => allElements(series.get(name)!).filter((e) => e.name === 'rect');
  const lines = (name: string) => allElements(series.get(name)!).filter((e) => e.name === 'line');
  assert.equal(rects('node:tls → node:tls').length, 3);
  assert.equal(lines('node:tls → node:tls').length, 3);
  assert.equal(rects('microtls <noble>').length, 2);
  assert.equal(lines('microtls <noble>').length, 0);
  // A longer value draws a longer bar.
  const w = rects('microtls <noble>').map((r) => Number(r.attrs.width));
  const v = rects('node:tls → node:tls').map((r) => Number(r.attrs.width));
  assert.ok(w[0] > v[0] && v[2] > v[0]);
  const labels = allElements(root).filter((e) => e.name === 'text').map((e) => e.text);
  assert.ok(labels.includes('ChaCha20 "quoted"'));
});

test('lineChart: one polyline and one point per value in each series, on a log scale', () => {
  const sizes = [16, 256, 1024, 65536];
  const svg = lineChart({
    title: 'Round trips',
    xAxis: 'size',
    yAxis: 'µs',
    xLabel: (n) => n + ' B',
    logY: true,
    series: [
      { name: 'TCP', points: sizes.map((s, i): [number, number] => [s, 40 + i]) },
      { name: 'microtls & noble', points: sizes.map((s): [number, number] => [s, s / 10 + 50]) },
    ],
  });
  const root = parseXml(svg);
  const series = seriesOf(root);
  assert.deepEqual([...series.keys()], ['TCP', 'microtls & noble']);
  for (const g of series.values()) {
    assert.equal(allElements(g).filter((e) => e.name === 'polyline').length, 1);
    const circles = allElements(g).filter((e) => e.name === 'circle');
    assert.equal(circles.length, sizes.length);
    // x grows with the size; a larger y value is drawn higher (smaller y coordinate).
    const xs = circles.map((c) => Number(c.attrs.cx));
    assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
  }
  const mt = allElements(series.get('microtls & noble')!).filter((e) => e.name === 'circle').map((c) => Number(c.attrs.cy));
  assert.ok(mt[3] < mt[0]);
  const ticks = allElements(root).filter((e) => e.name === 'text').map((e) => e.text);
  for (const s of sizes) assert.ok(ticks.includes(s + ' B'), 'x tick ' + s);
});

test('parseXml rejects what is not well-formed', () => {
  assert.throws(() => parseXml('<svg><g></svg>'));
  assert.throws(() => parseXml('<svg a="1" a="2"/>'));
  assert.throws(() => parseXml('<svg>a & b</svg>'));
  assert.throws(() => parseXml('<svg/><svg/>'));
});
