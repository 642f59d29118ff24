#include "contract/receipts.h"

#include <cassert>

#include "contract/grid_screen.h"
#include "contract/trading_contract.h"
#include "contract/unit_round.h"

namespace v2v::contract {

NetworkFee NetworkFeeOf(const ContractParams& params, const std::string& rsu) {
  const market::GridTariff* tariff = GridTariffOf(params, rsu);
  return {rsu, tariff == nullptr ? 0 : tariff->fee};
}

std::vector<EscrowCreated> RoundEscrows(const chain::TradingRound& round, const Hash32& round_tx,
                                        int64_t deadline_s, const NetworkFee& fee,
                                        const std::vector<int64_t>& spreads) {
  std::vector<EscrowCreated> out;
  out.reserve(round.trades.size());
  for (size_t k = 0; k < round.trades.size(); ++k) {
    const chain::Trade& t = round.trades[k];
    const chain::Tx& seller = round.sellers[t.seller];
    const int64_t rho = std::get<chain::SellerBid>(seller.body).rho_ppm;
    EscrowCreated e;
    e.escrow = EscrowId(round_tx, static_cast<uint32_t>(k));
    e.trade = static_cast<uint32_t>(k);
    e.buyer = round.buyers[t.buyer].sender;
    e.seller = seller.sender;
    e.energy_wh = t.volume_wh;
    e.loss_wh = chain::LossWh(t.volume_wh, rho);
    e.price = t.price;
    e.amount = chain::Payment(t.price, t.volume_wh);
    assert(spreads.empty() || spreads.size() == round.trades.size());
    const int64_t to_rsu = fee.per_kwh + (spreads.empty() ? 0 : spreads[k]);
    if (to_rsu != 0) {
      e.fee_to = fee.to;
      e.fee = to_rsu;
      e.amount += chain::Payment(to_rsu, t.volume_wh);
    }
    e.rho_ppm = rho;
    e.deadline_s = deadline_s;
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<EscrowCreated> RoundEscrowsOf(const ContractParams& params, const std::string& rsu,
                                          const chain::TradingRound& round, const Hash32& round_tx,
                                          int64_t deadline_s) {
  std::vector<int64_t> spreads;
  if (params.mechanism.kind == market::ChainMechanismKind::kMcAfee) {
    const ScreenedBids priced = RoundBidsAsPriced(GridTariffOf(params, rsu), round);
    for (const UnitTrade& t :
         UnitRoundClearing(params.mechanism, round, priced.buyers, priced.sellers)) {
      spreads.push_back(t.spread);
    }
  }
  return RoundEscrows(round, round_tx, deadline_s, NetworkFeeOf(params, rsu), spreads);
}

}  // namespace v2v::contract
