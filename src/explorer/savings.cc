#include "explorer/savings.h"

#include "chain/state.h"
#include "contract/receipts.h"
#include "market/grid_tariff.h"

namespace v2v::explorer {

void AddRound(AccountSavings& sums, const std::string& id, const chain::Tx& round_tx,
              const contract::ContractParams& params) {
  const auto* r = std::get_if<chain::TradingRound>(&round_tx.body);
  if (r == nullptr) return;
  const market::GridTariff* tariff = contract::GridTariffOf(params, round_tx.sender);
  bool traded = false;
  AccountSavings round;  // this round's sums, added only when it can be compared with the grid
  // What the contract escrowed for each trade (price, the fee to the RSU: the network fee and
  // McAfee's spread), one per trade in order.
  const std::vector<contract::EscrowCreated> escrows =
      contract::RoundEscrowsOf(params, round_tx.sender, *r, chain::TxHash(round_tx), 0);
  for (size_t k = 0; k < r->trades.size() && k < escrows.size(); ++k) {
    const chain::Trade& t = r->trades[k];
    const contract::EscrowCreated& e = escrows[k];
    if (e.buyer != id && e.seller != id) continue;
    traded = true;
    if (e.buyer == id) {
      round.bought_wh += t.volume_wh;
      round.paid += e.amount;
      if (tariff != nullptr) {
        const auto& b = std::get<chain::BuyerBid>(r->buyers[t.buyer].body);
        const int64_t option =
            market::BuyerOptionExact(*tariff, r->t_stamp_s, b.x_m, b.y_m, b.b_max_wh);
        round.grid_cost += chain::Payment(option, t.volume_wh);
      }
    } else {
      const int64_t given = t.volume_wh + e.loss_wh;
      round.sold_wh += t.volume_wh;
      round.given_wh += given;
      round.earned += chain::Payment(t.price, t.volume_wh);
      if (tariff != nullptr) round.feed_in_value += chain::Payment(tariff->feed_in, given);
    }
  }
  if (!traded) return;
  ++sums.rounds;
  if (tariff == nullptr) return;
  ++sums.grid_rounds;
  sums.bought_wh += round.bought_wh;
  sums.paid += round.paid;
  sums.grid_cost += round.grid_cost;
  sums.sold_wh += round.sold_wh;
  sums.given_wh += round.given_wh;
  sums.earned += round.earned;
  sums.feed_in_value += round.feed_in_value;
}

nlohmann::json SavingsJson(const std::string& id, const AccountSavings& s) {
  return {{"id", id},
          {"rounds", s.rounds},
          {"grid_rounds", s.grid_rounds},
          {"bought_wh", s.bought_wh},
          {"paid", s.paid},
          {"grid_cost", s.grid_cost},
          {"saved", s.Saved()},
          {"sold_wh", s.sold_wh},
          {"given_wh", s.given_wh},
          {"earned", s.earned},
          {"feed_in_value", s.feed_in_value},
          {"gained", s.Gained()},
          {"complete", s.complete}};
}

}  // namespace v2v::explorer
