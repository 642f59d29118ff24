#include "contract/receipts.h"

#include "contract/trading_contract.h"

namespace v2v::contract {

NetworkFee NetworkFeeOf(const ContractParams& params, const std::string& rsu) {
  const market::GridTariff* tariff = GridTariffOf(params, rsu);
  if (tariff == nullptr || tariff->fee == 0) return {};
  return {rsu, tariff->fee};
}

std::vector<EscrowCreated> RoundEscrows(const chain::TradingRound& round, const Hash32& round_tx,
                                        int64_t deadline_s, const NetworkFee& fee) {
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
    if (fee.per_kwh != 0) {
      e.fee_to = fee.to;
      e.fee = fee.per_kwh;
      e.amount += chain::Payment(fee.per_kwh, t.volume_wh);
    }
    e.rho_ppm = rho;
    e.deadline_s = deadline_s;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace v2v::contract
