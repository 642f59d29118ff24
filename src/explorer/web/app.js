// Router (routes in the URL fragment), search box and the live head subscription.
"use strict";

V2V.routes = [
  [/^#?\/?$/, () => V2V.viewOverview()],
  [/^#\/blocks(?:\/(\d+))?$/, (m) => V2V.viewBlocks(m[1] === undefined ? null : Number(m[1]))],
  [/^#\/block\/([0-9a-fA-F]+)$/, (m) => V2V.viewBlock(m[1])],
  [/^#\/tx\/([0-9a-fA-F]{64})$/, (m) => V2V.viewTx(m[1])],
  [/^#\/account\/(.+)$/, (m) => V2V.viewAccount(decodeURIComponent(m[1]))],
  [/^#\/market$/, () => V2V.viewMarket()],
];

V2V.route = async function () {
  const hash = location.hash || "#/";
  const view = document.getElementById("view");
  V2V.onHead = null;  // the view that wants new heads sets it
  for (const [re, fn] of V2V.routes) {
    const m = hash.match(re);
    if (!m) continue;
    try {
      await fn(m);
    } catch (e) {
      view.innerHTML = `<h1>Not found</h1><p class="error" id="error">${V2V.esc(e.message)}</p>`;
    }
    document.body.dataset.route = hash;
    document.body.dataset.loaded = String(Date.now());
    return;
  }
  view.innerHTML = `<h1>Unknown page</h1><p class="error" id="error">No route ${V2V.esc(hash)}</p>`;
  document.body.dataset.loaded = String(Date.now());
};

V2V.search = async function (q) {
  q = q.trim();
  if (/^\d+$/.test(q)) return (location.hash = "#/block/" + q);
  const hex = q.replace(/^0x/, "");
  if (/^[0-9a-fA-F]{64}$/.test(hex)) {
    try {
      await V2V.rpc("chain_getTransaction", [hex]);
      return (location.hash = "#/tx/" + hex);
    } catch (e) {
      return (location.hash = "#/block/" + hex);
    }
  }
  location.hash = "#/account/" + encodeURIComponent(q);
};

// newHeads over a WebSocket on this node (chain_subscribe); reconnects after a drop.
V2V.subscribe = function () {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${proto}//${location.host}/ws`);
  const live = document.getElementById("live");
  ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain_subscribe", params: ["newHeads"] }));
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id === 1 && msg.result) {
      live.className = "live on";
      live.dataset.subscription = msg.result;
    }
    if (msg.method === "chain_subscription") {
      const head = msg.params.result;
      V2V.lastHead = head;
      live.dataset.height = head.height;
      if (V2V.onHead) V2V.onHead(head);
    }
  };
  ws.onclose = () => {
    live.className = "live off";
    setTimeout(V2V.subscribe, 2000);
  };
};

document.getElementById("search").addEventListener("submit", (ev) => {
  ev.preventDefault();
  V2V.search(document.getElementById("search-input").value);
});
window.addEventListener("hashchange", V2V.route);
V2V.subscribe();
V2V.route();
