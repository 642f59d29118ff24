// Hand-drawn SVG charts (no library): a price/volume chart over time and a trade map.
"use strict";

V2V.svgEl = (w, h, inner, id) => `<svg id="${id}" viewBox="0 0 ${w} ${h}">${inner}</svg>`;
V2V.palette = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7ea4", "#57606a"];

// points: [{t, price, lo, hi, volume}] in time order. Price line with min–max band (left axis),
// volume bars (right axis).
V2V.priceVolumeChart = function (points, id) {
  const W = 900, H = 300, L = 56, R = 64, T = 14, B = 34;
  if (points.length === 0) return V2V.svgEl(W, H, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no rounds in range</text>`, id);
  // x is the round's position in the list (several rounds can share a block time).
  const t0 = points[0].t, t1 = points[points.length - 1].t, n = Math.max(1, points.length - 1);
  const pMax = Math.max(1, ...points.map((p) => p.hi)) * 1.1, vMax = Math.max(1, ...points.map((p) => p.volume)) * 1.1;
  const x = (i) => L + (points.length === 1 ? 0.5 : i / n) * (W - L - R);
  const yp = (p) => T + (1 - p / pMax) * (H - T - B), yv = (v) => T + (1 - v / vMax) * (H - T - B);
  const bw = Math.max(1, Math.min(12, (W - L - R) / points.length - 1));
  let s = "";
  for (let k = 0; k <= 4; ++k) {
    const y = T + (k / 4) * (H - T - B);
    s += `<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="#eaecf0"/>`;
    s += `<text x="${L - 6}" y="${y + 4}" text-anchor="end">${V2V.num(pMax * (1 - k / 4))}</text>`;
    s += `<text x="${W - R + 6}" y="${y + 4}">${V2V.num(vMax * (1 - k / 4), 1)}</text>`;
  }
  points.forEach((p, i) => (s += `<rect x="${x(i) - bw / 2}" y="${yv(p.volume)}" width="${bw}" height="${H - B - yv(p.volume)}" fill="#c7d7fe"/>`));
  const band = points.map((p, i) => `${x(i)},${yp(p.hi)}`).concat(points.map((p, i) => `${x(i)},${yp(p.lo)}`).reverse());
  s += `<polygon points="${band.join(" ")}" fill="#fde2e1" opacity="0.8"/>`;
  s += `<polyline points="${points.map((p, i) => `${x(i)},${yp(p.price)}`).join(" ")}" fill="none" stroke="#d1242f" stroke-width="2"/>`;
  s += `<text x="${L}" y="${H - 10}">${V2V.esc(V2V.time(t0))}</text><text x="${W - R}" y="${H - 10}" text-anchor="end">${V2V.esc(V2V.time(t1))}</text>`;
  s += `<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${points.length} rounds with trades, in order</text>`;
  s += `<text x="${L}" y="${T - 2}" fill="#d1242f">price /kWh (mean, min–max)</text><text x="${W - R}" y="${T - 2}" text-anchor="end">volume kWh</text>`;
  return V2V.svgEl(W, H, s, id);
};

// trades: [{seller_pos:[x,y], buyer_pos:[x,y], rsu}], rsus: [{name, x, y}]; metres, square map.
V2V.tradeMap = function (trades, rsus, id) {
  const S = 520, M = 24;
  const xs = [], ys = [];
  for (const t of trades) xs.push(t.seller_pos[0], t.buyer_pos[0]), ys.push(t.seller_pos[1], t.buyer_pos[1]);
  for (const r of rsus) xs.push(r.x), ys.push(r.y);
  if (xs.length === 0) return V2V.svgEl(S, S, `<text x="${S / 2}" y="${S / 2}" text-anchor="middle">no trades in range</text>`, id);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2, cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const half = Math.max(500, (Math.max(...xs) - Math.min(...xs)) / 2, (Math.max(...ys) - Math.min(...ys)) / 2) * 1.05;
  const px = (v) => M + ((v - cx + half) / (2 * half)) * (S - 2 * M), py = (v) => S - M - ((v - cy + half) / (2 * half)) * (S - 2 * M);
  const color = {};
  rsus.forEach((r, i) => (color[r.name] = V2V.palette[i % V2V.palette.length]));
  let s = `<rect x="${M}" y="${M}" width="${S - 2 * M}" height="${S - 2 * M}" fill="#f8fafc" stroke="#eaecf0"/>`;
  s += `<defs><marker id="arrow" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="5" markerHeight="5" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="#475467"/></marker></defs>`;
  for (const t of trades) {
    s += `<line class="trade" x1="${px(t.seller_pos[0])}" y1="${py(t.seller_pos[1])}" x2="${px(t.buyer_pos[0])}" y2="${py(t.buyer_pos[1])}" stroke="${color[t.rsu] || "#475467"}" stroke-opacity="0.55" marker-end="url(#arrow)"/>`;
    s += `<circle cx="${px(t.seller_pos[0])}" cy="${py(t.seller_pos[1])}" r="2.5" fill="#1a7f37"/><circle cx="${px(t.buyer_pos[0])}" cy="${py(t.buyer_pos[1])}" r="2.5" fill="#d1242f"/>`;
  }
  for (const r of rsus) {
    s += `<rect class="rsu" x="${px(r.x) - 6}" y="${py(r.y) - 6}" width="12" height="12" fill="${color[r.name]}" stroke="#fff"/>`;
    s += `<text x="${px(r.x) + 9}" y="${py(r.y) + 4}" font-weight="600">${V2V.esc(r.name)}</text>`;
  }
  const bar = (S - 2 * M) * (1000 / (2 * half));
  s += `<line x1="${M + 8}" x2="${M + 8 + bar}" y1="${S - M - 8}" y2="${S - M - 8}" stroke="#101828" stroke-width="2"/><text x="${M + 8}" y="${S - M - 12}">1 km</text>`;
  return V2V.svgEl(S, S, s, id);
};
