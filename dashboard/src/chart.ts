// Two tiny inline-SVG charts: a line chart (finality latency) and a horizontal bar chart (revenue).
const NS = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/// Points `(x label, y)` joined by a polyline, y axis from 0 to the largest value.
export function lineChart(testid: string, points: { x: number; y: number }[], unit: string): SVGSVGElement {
  const W = 560;
  const H = 180;
  const P = { l: 48, r: 10, t: 10, b: 24 };
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, 'data-testid': testid, 'data-points': points.length, class: 'chart' }) as SVGSVGElement;
  const maxY = Math.max(1, ...points.map((p) => p.y));
  const n = Math.max(points.length - 1, 1);
  const px = (i: number) => P.l + ((W - P.l - P.r) * i) / n;
  const py = (y: number) => H - P.b - ((H - P.t - P.b) * y) / maxY;
  root.append(svg('line', { x1: P.l, y1: H - P.b, x2: W - P.r, y2: H - P.b, class: 'axis' }));
  root.append(svg('line', { x1: P.l, y1: P.t, x2: P.l, y2: H - P.b, class: 'axis' }));
  root.append(svg('text', { x: P.l - 4, y: P.t + 8, 'text-anchor': 'end', class: 'tick' }, `${Math.round(maxY)}${unit}`));
  root.append(svg('text', { x: P.l - 4, y: H - P.b, 'text-anchor': 'end', class: 'tick' }, `0${unit}`));
  if (points.length > 0) {
    root.append(svg('text', { x: P.l, y: H - 6, class: 'tick' }, `#${points[0].x}`));
    root.append(svg('text', { x: W - P.r, y: H - 6, 'text-anchor': 'end', class: 'tick' }, `#${points[points.length - 1].x}`));
    root.append(svg('polyline', { points: points.map((p, i) => `${px(i)},${py(p.y)}`).join(' '), class: 'line' }));
    points.forEach((p, i) => root.append(svg('circle', { cx: px(i), cy: py(p.y), r: 2, class: 'dot' })));
  } else {
    root.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'tick' }, 'waiting for finalized blocks'));
  }
  return root;
}

/// One bar a row; `value` is exact (BigInt) and kept in `data-value`, bars scale to the largest.
export function barChart(testid: string, rows: { key: string; label: string; value: bigint; text: string }[]): SVGSVGElement {
  const W = 560;
  const row = 22;
  const L = 120;
  const R = 150;
  const H = rows.length * row + 4;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, 'data-testid': testid, class: 'chart' }) as SVGSVGElement;
  const max = rows.reduce((m, r) => (r.value > m ? r.value : m), 1n);
  rows.forEach((r, i) => {
    const y = i * row + 2;
    // Scale in BigInt first: u128 amounts exceed a double's exact range.
    const w = Number((r.value * 10_000n) / max) / 10_000 * (W - L - R);
    root.append(svg('text', { x: L - 6, y: y + 15, 'text-anchor': 'end', class: 'tick' }, r.label));
    const bar = svg('rect', { x: L, y, width: Math.max(w, r.value > 0n ? 1 : 0), height: row - 6, class: 'bar', 'data-testid': `${testid}-${r.key}`, 'data-value': r.value.toString() });
    root.append(bar);
    root.append(svg('text', { x: L + w + 6, y: y + 15, class: 'tick' }, r.text));
  });
  return root;
}
