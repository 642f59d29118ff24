// The market page: price and volume per round, trades per RSU, the map of recent trades.
"use strict";

V2V.viewMarket = async function () {
  const head = await V2V.rpc("chain_head");
  const from = Math.max(1, head.height - 255);
  const rounds = head.height >= 1 ? await V2V.rpc("market_rounds", [from, head.height]) : [];
  const recentFrom = Math.max(1, head.height - 19);
  const recent = head.height >= 1 ? await V2V.rpc("market_rounds", [recentFrom, head.height, true]) : [];
  const points = rounds.filter((r) => r.trades > 0).map((r) => ({ t: r.timestamp, price: r.mean_price, lo: r.min_price, hi: r.max_price, volume: r.volume_wh / 1000 }));
  const byRsu = {};
  for (const r of rounds) {
    const a = (byRsu[r.rsu] = byRsu[r.rsu] || { rounds: 0, trades: 0, volume: 0, value: 0, bids: 0 });
    a.rounds += 1, a.trades += r.trades, a.volume += r.volume_wh, a.value += r.mean_price * r.volume_wh, a.bids += r.bids;
  }
  // An RSU's position is not on the chain: it is drawn at the centre of its recent rounds' bids.
  const trades = [], centres = {};
  for (const r of recent) {
    for (const t of r.trade_list) {
      trades.push(Object.assign({ rsu: r.rsu }, t));
      const c = (centres[r.rsu] = centres[r.rsu] || { x: 0, y: 0, n: 0 });
      c.x += t.seller_pos[0] + t.buyer_pos[0], c.y += t.seller_pos[1] + t.buyer_pos[1], c.n += 2;
    }
  }
  const rsus = Object.keys(centres).sort().map((name) => ({ name, x: centres[name].x / centres[name].n, y: centres[name].y / centres[name].n }));
  const total = rounds.reduce((n, r) => n + r.volume_wh, 0);
  document.getElementById("view").innerHTML = `<h1>Market</h1>
    <p>Blocks <span id="market-range">${from}-${head.height}</span>: <span id="market-rounds">${rounds.length}</span> rounds, <span id="market-trades">${rounds.reduce((n, r) => n + r.trades, 0)}</span> trades,
      <span id="market-volume">${V2V.num(total)}</span> Wh.</p>
    <h2>Price and volume per round</h2>${V2V.priceVolumeChart(points, "price-chart")}
    <div class="grid2"><div><h2>Trades per RSU</h2>
    ${V2V.table([["RSU"], ["Rounds", "num"], ["Bids", "num"], ["Trades", "num"], ["Volume Wh", "num"], ["Mean price", "num"]],
      Object.keys(byRsu).sort().map((k) => [V2V.linkAccount(k), String(byRsu[k].rounds), String(byRsu[k].bids), String(byRsu[k].trades), V2V.num(byRsu[k].volume),
        byRsu[k].volume ? (byRsu[k].value / byRsu[k].volume).toFixed(2) : "–"]), "rsu-table")}
    <h2>Latest rounds</h2>
    ${V2V.table([["Block", "num"], ["Round"], ["RSU"], ["Trades", "num"], ["Volume Wh", "num"], ["Mean price", "num"]],
      rounds.slice(-15).reverse().map((r) => [V2V.linkBlock(r.height), V2V.linkTx(r.hash), V2V.linkAccount(r.rsu), String(r.trades), V2V.num(r.volume_wh),
        r.mean_price.toFixed(2)]), "rounds-table")}</div>
    <div><h2>Recent trades (blocks <span id="map-range">${recentFrom}-${head.height}</span>), seller → buyer</h2>${V2V.tradeMap(trades, rsus, "trade-map")}
    <p class="note">Green: sellers, red: buyers, squares: RSUs (drawn at the centre of their bids).</p></div></div>`;
};
