// Pages: overview, blocks, block, transaction, account.
"use strict";

V2V.blockRow = (b) => [V2V.linkBlock(b.height), `<span class="mono">${V2V.esc(V2V.short(b.hash))}</span>`,
  V2V.esc(V2V.time(b.timestamp)), V2V.linkAccount(b.sealer_name) || V2V.esc(V2V.short(b.sealer)), V2V.inTurn(b), String(b.tx_count)];
V2V.blockCols = [["Height"], ["Hash"], ["Time"], ["Sealer"], ["Turn"], ["Txs", "num"]];

V2V.viewOverview = async function () {
  const [head, status, clique] = await Promise.all([V2V.rpc("chain_head"), V2V.rpc("node_status"), V2V.rpc("clique_status", [64])]);
  const from = Math.max(0, head.height - 9);
  const recent = (await V2V.rpc("chain_getBlocks", [from, 10])).reverse();
  const span = recent.length > 1 ? recent[0].timestamp - recent[recent.length - 1].timestamp : 0;
  const txs = recent.slice(0, -1).reduce((n, b) => n + b.tx_count, 0);
  const card = (k, v, id) => `<div class="card"><div class="k">${k}</div><div class="v"${id ? ` id="${id}"` : ""}>${v}</div></div>`;
  document.getElementById("view").innerHTML = `<h1>Overview of ${V2V.esc(status.name || "this node")}</h1>
    <div class="cards">
      ${card("Head height", head.height, "head-height")}
      ${card("Head time", `<span id="head-time">${V2V.esc(V2V.ago(head.timestamp))}</span>`)}
      ${card("Block interval", span > 0 ? (span / (recent.length - 1)).toFixed(1) + " s" : "–", "block-rate")}
      ${card("Committed tx/s", span > 0 ? (txs / span).toFixed(2) : "–", "tps")}
      ${card("Peers", status.peers === undefined ? "–" : status.peers, "peers")}
      ${card("Mempool", status.pending_txs === undefined ? "–" : status.pending_txs, "mempool")}
      ${card("In turn (last " + clique.numBlocks + ")", clique.inturnPercent.toFixed(0) + " %", "inturn")}
      ${card("Mechanism", V2V.esc(status.mechanism ? status.mechanism.name : "–"), "mechanism")}
    </div>
    <p>Head <span class="mono" id="head-hash">${V2V.esc(head.hash)}</span></p>
    <h2>Signers</h2>
    ${V2V.table([["Signer"], ["Key"], ["Blocks sealed (last " + clique.numBlocks + ")", "num"], ["In turn", "num"], ["Authorised"]],
      clique.signers.map((s) => [V2V.linkAccount(s.name) || "?", `<span class="mono">${V2V.esc(V2V.short(s.key))}</span>`,
        String(s.blocks), String(s.in_turn), s.signer ? V2V.tag("yes", "in") : V2V.tag("no", "bad")]), "signers")}
    <h2>Latest blocks</h2>
    ${V2V.table(V2V.blockCols, recent.map(V2V.blockRow), "latest-blocks")}`;
  V2V.onHead = (h) => {
    document.getElementById("head-height").textContent = h.height;
    document.getElementById("head-hash").textContent = h.hash;
    document.getElementById("head-time").textContent = V2V.ago(h.timestamp);
    const body = document.querySelector("#latest-blocks tbody");
    const tr = document.createElement("tr");
    tr.className = "new";
    tr.innerHTML = V2V.blockRow(h).map((v, i) => `<td class="${V2V.blockCols[i][1] || ""}">${v}</td>`).join("");
    body.insertBefore(tr, body.firstChild);
    while (body.children.length > 10) body.removeChild(body.lastChild);
  };
};

// Blocks, newest first, 25 a page; `top` is the highest height on the page (null: the head).
V2V.viewBlocks = async function (top) {
  const head = await V2V.rpc("chain_head");
  if (top === null || top > head.height) top = head.height;
  const from = Math.max(0, top - 24);
  const blocks = (await V2V.rpc("chain_getBlocks", [from, top - from + 1])).reverse();
  const newer = top < head.height ? `<a href="#/blocks/${Math.min(head.height, top + 25)}">Newer</a>` : "";
  const older = from > 0 ? `<a href="#/blocks/${from - 1}" id="older">Older</a>` : "";
  document.getElementById("view").innerHTML = `<h1>Blocks ${from}–${top}</h1>
    <div class="pager">${newer}${older}</div>${V2V.table(V2V.blockCols, blocks.map(V2V.blockRow), "blocks")}`;
};

V2V.txTable = (txs, id) => V2V.table([["#", "num"], ["Hash"], ["Kind"], ["Sender"], ["What"]],
  txs.map((t) => [String(t.index), V2V.linkTx(t.hash), V2V.esc(t.kind), V2V.linkAccount(t.sender), V2V.txWhat(t)]), id);

V2V.viewBlock = async function (id, page) {
  page = page || 0;
  const b = await V2V.rpc("chain_getBlock", [id]);
  const txs = await V2V.rpc("chain_getBlockTransactions", [b.height, page, 25]);
  const pages = Math.ceil(txs.total / 25);
  const signers = b.checkpoint_signers.map((k, i) => `${V2V.linkAccount(b.checkpoint_signer_names[i]) || ""} <span class="mono">${V2V.esc(V2V.short(k))}</span>`);
  document.getElementById("view").innerHTML = `<h1>Block <span id="block-height">${b.height}</span></h1>
    ${V2V.kv([["Hash", `<span class="mono" id="block-hash">${V2V.esc(b.hash)}</span>`],
      ["Parent", b.height > 0 ? `<a class="mono" href="#/block/${V2V.esc(b.parent)}">${V2V.esc(b.parent)}</a>` : V2V.esc(b.parent)],
      ["Time", V2V.esc(V2V.time(b.timestamp))],
      ["Sealer", `${V2V.linkAccount(b.sealer_name)} <span class="mono">${V2V.esc(b.sealer)}</span>`],
      ["Difficulty", `${b.difficulty} ${V2V.inTurn(b)}`], ["Canonical", b.canonical ? "yes" : V2V.tag("side block", "out")],
      ["State root", `<span class="mono">${V2V.esc(b.state_root)}</span>`], ["Tx root", `<span class="mono">${V2V.esc(b.tx_root)}</span>`],
      ["Vote", b.vote ? `${b.vote.authorize ? "add" : "remove"} <span class="mono">${V2V.esc(b.vote.target)}</span>` : "none"],
      ["Checkpoint signers", signers.length ? signers.join("<br>") : "not a checkpoint"],
      ["Transactions", `<span id="block-tx-count">${txs.total}</span>`]])}
    <h2>Transactions${pages > 1 ? ` (page ${page + 1} of ${pages})` : ""}</h2>
    <div class="pager">${page > 0 ? '<button id="tx-prev">Previous</button>' : ""}${page + 1 < pages ? '<button id="tx-next">Next</button>' : ""}</div>
    ${V2V.txTable(txs.txs, "block-txs")}`;
  const prev = document.getElementById("tx-prev"), next = document.getElementById("tx-next");
  if (prev) prev.onclick = () => V2V.viewBlock(String(b.height), page - 1);
  if (next) next.onclick = () => V2V.viewBlock(String(b.height), page + 1);
};

V2V.bidTables = function (body) {
  const pos = (b) => `${V2V.num(b.x_m)}, ${V2V.num(b.y_m)}`;
  const buyers = V2V.table([["Buyer"], ["v", "num"], ["v_min–v_max", "num"], ["Demand Wh", "num"], ["w", "num"], ["Position m", "num"]],
    body.buyers.map((b) => [V2V.linkAccount(b.sender), String(b.v), `${b.v_min}–${b.v_max}`, `${V2V.num(b.b_min_wh)}–${V2V.num(b.b_max_wh)}`,
      (b.w_milli / 1000).toFixed(3), pos(b)]), "round-buyers");
  const sellers = V2V.table([["Seller"], ["c", "num"], ["c_min–c_max", "num"], ["Supply Wh", "num"], ["Loss ppm", "num"], ["Position m", "num"]],
    body.sellers.map((s) => [V2V.linkAccount(s.sender), String(s.c), `${s.c_min}–${s.c_max}`, `${V2V.num(s.s_r_wh)} of ${V2V.num(s.s_t_wh)}`,
      V2V.num(s.rho_ppm), pos(s)]), "round-sellers");
  return `<h2>Buyers (${body.buyers.length})</h2>${buyers}<h2>Sellers (${body.sellers.length})</h2>${sellers}`;
};

V2V.roundHtml = function (t) {
  const b = t.body;
  const trades = V2V.table([["Buyer"], ["Seller"], ["Volume Wh", "num"], ["Price T /kWh", "num"], ["Payment", "num"], ["Escrow"]],
    b.trades.map((x) => [V2V.linkAccount(x.buyer), V2V.linkAccount(x.seller), V2V.num(x.volume_wh), String(x.price), V2V.num(x.payment),
      `<span class="mono">${V2V.esc(V2V.short(x.escrow))}</span>`]), "round-trades");
  const cert = b.certificate;
  const fmt = (a) => a.map((v) => v.toFixed(2)).join(", ");
  return V2V.kv([["RSU", V2V.linkAccount(b.rsu)], ["Round", String(b.round)], ["Window", `${V2V.esc(V2V.time(b.t_stamp))} + ${b.t_limit_s} s`],
    ["Bounds v_min / c_max", `${b.v_min} / ${b.c_max}`], ["l1 / l2 (millionths)", `${b.l1_micro} / ${b.l2_micro}`], ["Radius", `${b.radius_m} m`],
    ["Volume", `<span id="round-volume">${V2V.num(t.volume_wh)}</span> Wh`], ["Mean price", `${t.mean_price.toFixed(2)} /kWh`]]) +
    `<h2>Trades (${b.trades.length})</h2>${trades}${V2V.bidTables(b)}
    <h2>Allocation certificate</h2>${V2V.kv([["Seller prices γ", fmt(cert.seller_price)], ["Buyer prices λ", fmt(cert.buyer_price)],
      ["μ_min", fmt(cert.mu_min)], ["μ_max", fmt(cert.mu_max)]])}`;
};

V2V.viewTx = async function (hash) {
  const t = await V2V.rpc("chain_getTransaction", [hash]);
  const b = t.body;
  let detail = "";
  if (t.kind === "round") detail = V2V.roundHtml(t);
  else if (t.kind === "meter_report") detail = V2V.kv([["Escrow", `<span class="mono">${V2V.esc(b.escrow)}</span>`], ["Delivered", V2V.num(b.delivered_wh) + " Wh"], ["Buyer key", `<span class="mono">${V2V.esc(b.buyer_key)}</span>`]]);
  else if (t.kind === "recertify") detail = V2V.kv([["Account", V2V.linkAccount(b.account)], ["Replaces", `<span class="mono">${V2V.esc(b.replaces)}</span>`], ["Certificate", `<span class="mono">${V2V.esc(b.certificate)}</span>`], ["Subject", V2V.esc(b.subject || "")], ["Valid", b.not_before ? `${V2V.esc(V2V.time(b.not_before))} – ${V2V.esc(V2V.time(b.not_after))}` : ""]]);
  else if (t.kind === "register") detail = V2V.kv([["Role", V2V.esc(b.role)], ["Subject", V2V.esc(b.subject || "")], ["Valid", b.not_before ? `${V2V.esc(V2V.time(b.not_before))} – ${V2V.esc(V2V.time(b.not_after))}` : ""]]);
  else detail = `<pre class="mono">${V2V.esc(JSON.stringify(b, null, 1))}</pre>`;
  document.getElementById("view").innerHTML = `<h1>Transaction <span class="tag" id="tx-kind">${V2V.esc(t.kind)}</span></h1>
    ${V2V.kv([["Hash", `<span class="mono" id="tx-hash">${V2V.esc(t.hash)}</span>`], ["Block", `${V2V.linkBlock(t.height)} position ${t.index}`],
      ["Time", V2V.esc(V2V.time(t.timestamp))], ["Sender", V2V.linkAccount(t.sender)], ["Nonce", String(t.nonce)]])}
    <h2>Body</h2>${detail}`;
};

// The account's trades against the genesis's grid tariff (state_getAccountSavings).
V2V.savings = function (s) {
  if (s.grid_rounds === 0) {
    return s.rounds === 0 ? "" : `<p id="account-savings" class="note">${s.rounds} rounds traded; this network's genesis names no grid tariff to compare with.</p>`;
  }
  const over = `over ${s.grid_rounds} of its rounds under a grid tariff${s.complete ? "" : " (its newest 200 transactions)"}`;
  const rows = [];
  if (s.bought_wh > 0) rows.push(["Bought", `${V2V.num(s.bought_wh)} Wh for ${V2V.num(s.paid)}; the grid would have cost ${V2V.num(s.grid_cost)}: saved <span id="account-saved">${V2V.num(s.saved)}</span>`]);
  if (s.sold_wh > 0) rows.push(["Sold", `${V2V.num(s.sold_wh)} Wh (${V2V.num(s.given_wh)} Wh with losses) for ${V2V.num(s.earned)}; fed in: ${V2V.num(s.feed_in_value)}: gained <span id="account-gained">${V2V.num(s.gained)}</span>`]);
  return `<h2>Against the grid</h2><div id="account-savings">${V2V.kv(rows)}<p class="note">${V2V.esc(over)}</p></div>`;
};

V2V.viewAccount = async function (id) {
  const [a, cert, escrows, sav] = await Promise.all([V2V.rpc("state_getAccount", [id]), V2V.rpc("state_getCertificate", [id]),
    V2V.rpc("state_getEscrows", [id]), V2V.rpc("state_getAccountSavings", [id])]);
  document.getElementById("view").innerHTML = `<h1>Account <span id="account-id">${V2V.esc(a.id)}</span></h1>
    <div class="grid2"><div>${V2V.kv([["Role", V2V.esc(a.role)], ["Balance", `<span id="account-balance">${a.balance}</span>`],
      ["Energy", `<span id="account-energy">${a.energy_wh}</span> Wh`], ["Nonce", `<span id="account-nonce">${a.nonce}</span>`], ["Key", `<span class="mono">${V2V.esc(a.key)}</span>`]])}</div>
    <div>${V2V.kv([["Certificate", `<span class="mono">${V2V.esc(V2V.short(cert.hash))}</span> (${V2V.esc(cert.format)})`], ["Subject", V2V.esc(cert.subject || "")],
      ["Valid", cert.not_before ? `${V2V.esc(V2V.time(cert.not_before))} – ${V2V.esc(V2V.time(cert.not_after))}` : ""],
      ["Revoked", cert.revoked ? V2V.tag("revoked", "bad") : V2V.tag("no", "in")]])}</div></div>
    ${V2V.savings(sav)}
    <h2>Open escrows (${escrows.length})</h2>
    ${V2V.table([["Escrow"], ["Buyer"], ["Seller"], ["Energy Wh", "num"], ["Price", "num"], ["Amount", "num"], ["Deadline"]],
      escrows.map((e) => [`<span class="mono">${V2V.esc(V2V.short(e.id))}</span>`, V2V.linkAccount(e.buyer), V2V.linkAccount(e.seller), V2V.num(e.energy_wh),
        String(e.price), V2V.num(e.amount), V2V.esc(V2V.time(e.deadline))]), "escrows")}
    <h2>History</h2><div id="history"></div><div class="pager"><button id="history-more">Older</button></div>`;
  const cols = [["Block", "num"], ["Hash"], ["Kind"], ["Sender"], ["What"]];
  let cursor = null, rows = [];
  const more = async () => {
    const page = await V2V.rpc("state_getAccountHistory", [id, cursor, 25]);
    rows = rows.concat(page.txs.map((t) => [V2V.linkBlock(t.height), V2V.linkTx(t.hash), V2V.esc(t.kind), V2V.linkAccount(t.sender), V2V.txWhat(t)]));
    document.getElementById("history").innerHTML = V2V.table(cols, rows, "history-table");
    cursor = page.next;
    document.getElementById("history-more").style.display = cursor ? "" : "none";
  };
  document.getElementById("history-more").onclick = more;
  await more();
};
