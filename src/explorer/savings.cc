#include "explorer/savings.h"

#include "chain/state.h"
#include "market/grid_tariff.h"

namespace v2v::explorer {

void AddRound(AccountSavings& sums, const std::string& id, const chain::Tx& round_tx,
              const contract::ContractParams& params) {
  const auto* r = std::get_if<chain::TradingRound>(&round_tx.body);
  if (r == nullptr) return;
  const market::GridTariff* tariff = contract::GridTariffOf(params, round_tx.sender);
  bool traded = false;
  AccountSavings round;  // this round's sums, added only when it can be compared with the grid
  for (const chain::Trade& t : r->trades) {
    if (t.buyer >= r->buyers.size() || t.seller >= r->sellers.size()) continue;
    const chain::Tx& buyer = r->buyers[t.buyer];
    const chain::Tx& seller = r->sellers[t.seller];
    if (buyer.sender != id && seller.sender != id) continue;
    traded = true;
    const int64_t amount = chain::Payment(t.price, t.volume_wh);
    if (buyer.sender == id) {
      round.bought_wh += t.volume_wh;
      round.paid += amount + (tariff != nullptr ? chain::Payment(tariff->fee, t.volume_wh) : 0);
      if (tariff != nullptr) {
        const auto& b = std::get<chain::BuyerBid>(buyer.body);
        const int64_t option =
            market::BuyerOptionExact(*tariff, r->t_stamp_s, b.x_m, b.y_m, b.b_max_wh);
        round.grid_cost += chain::Payment(option, t.volume_wh);
      }
    } else {
      const auto& s = std::get<chain::SellerBid>(seller.body);
      const int64_t given = t.volume_wh + chain::LossWh(t.volume_wh, s.rho_ppm);
      round.sold_wh += t.volume_wh;
      round.given_wh += given;
      round.earned += amount;
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
