// Shared helpers: JSON-RPC over fetch to this node's own origin, HTML escaping, formatting.
"use strict";
const V2V = {};

V2V.rpcId = 0;
V2V.rpc = async function (method, params) {
  const body = JSON.stringify({ jsonrpc: "2.0", id: ++V2V.rpcId, method: method, params: params || [] });
  const res = await fetch("/", { method: "POST", headers: { "Content-Type": "application/json" }, body: body });
  const msg = await res.json();
  if (msg.error) {
    const e = new Error(msg.error.message);
    e.code = msg.error.code;
    throw e;
  }
  return msg.result;
};

V2V.esc = function (s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
};
V2V.short = (h) => (h && h.length > 16 ? h.slice(0, 10) + "…" + h.slice(-6) : h || "");
V2V.time = (s) => new Date(s * 1000).toISOString().replace("T", " ").replace(".000Z", " UTC");
V2V.ago = function (s) {
  const d = Math.max(0, Math.round(Date.now() / 1000 - s));
  return d < 60 ? d + " s ago" : d < 3600 ? Math.round(d / 60) + " min ago" : Math.round(d / 3600) + " h ago";
};
V2V.num = (n, digits) => Number(n).toLocaleString("en-US", { maximumFractionDigits: digits === undefined ? 0 : digits });
V2V.linkBlock = (h) => `<a href="#/block/${V2V.esc(h)}">${V2V.esc(h)}</a>`;
V2V.linkTx = (h) => `<a class="mono" href="#/tx/${V2V.esc(h)}" data-tx="${V2V.esc(h)}">${V2V.esc(V2V.short(h))}</a>`;
V2V.linkAccount = (id) => (id ? `<a href="#/account/${encodeURIComponent(id)}">${V2V.esc(id)}</a>` : "");
V2V.tag = (text, cls) => `<span class="tag ${cls || ""}">${V2V.esc(text)}</span>`;
V2V.inTurn = (b) => (b.in_turn ? V2V.tag("in turn", "in") : V2V.tag("out of turn", "out"));

// A two-column table of [label, html] rows.
V2V.kv = function (rows) {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><td>${V2V.esc(k)}</td><td>${v}</td></tr>`).join("")}</table>`;
};
// A table with a header row; `cols` is [[title, cssClass], ...], rows are arrays of html.
V2V.table = function (cols, rows, id) {
  const head = cols.map(([t, c]) => `<th class="${c || ""}">${V2V.esc(t)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((v, i) => `<td class="${cols[i][1] || ""}">${v}</td>`).join("")}</tr>`).join("");
  return `<table${id ? ` id="${id}"` : ""}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
};
// A one-line description of a transaction summary (chain_getBlockTransactions, history).
V2V.txWhat = function (t) {
  switch (t.kind) {
    case "round": return `RSU ${V2V.esc(t.rsu)} round ${t.round}: ${t.bids} bids, ${t.trades} trades, ${V2V.num(t.volume_wh)} Wh`;
    case "meter_report": return `delivered ${V2V.num(t.delivered_wh)} Wh on escrow ${V2V.esc(V2V.short(t.escrow))}`;
    case "refund": return `refund of escrow ${V2V.esc(V2V.short(t.escrow))}`;
    case "revoke": return `revokes certificate ${V2V.esc(V2V.short(t.certificate))}`;
    case "recertify": return `gives ${V2V.esc(t.account)} certificate ${V2V.esc(V2V.short(t.certificate))}`;
    default: return V2V.esc(t.kind);
  }
};
