#include "contract/grid_screen.h"

#include <algorithm>
#include <string>

namespace v2v::contract {

BuyerCap BuyerCapOf(const market::GridTariff& tariff, int64_t t_stamp_s, const chain::BuyerBid& b) {
  const int64_t cap =
      market::BuyerOptionExact(tariff, t_stamp_s, b.x_m, b.y_m, b.b_max_wh) - tariff.fee;
  return {cap, market::BuyerVerdict(cap, tariff.feed_in)};
}

ScreenedBids ScreenAgainstTariff(const market::GridTariff& tariff, int64_t t_stamp_s,
                                 std::vector<chain::BuyerBid> buyers,
                                 std::vector<chain::SellerBid> sellers) {
  using market::GridVerdict;
  ScreenedBids out;
  std::optional<int64_t> highest_kept;
  for (size_t i = 0; i < buyers.size(); ++i) {
    chain::BuyerBid& b = buyers[i];
    const auto [option, verdict] = BuyerCapOf(tariff, t_stamp_s, b);
    if (verdict != GridVerdict::kBeatsGrid) {
      out.beaten.push_back({true, i, verdict, option, tariff.feed_in});
    } else {
      highest_kept = std::max(highest_kept.value_or(option), option);
    }
    b.v = std::min(b.v, option);
    b.v_min = std::min(b.v_min, option);
    b.v_max = std::min(b.v_max, option);
  }
  for (size_t j = 0; j < sellers.size(); ++j) {
    chain::SellerBid& s = sellers[j];
    const int64_t floor = market::SellerFloorExact(tariff, s.rho_ppm);
    if (!highest_kept) {
      out.beaten.push_back({false, j, GridVerdict::kFeedInBetter, floor, 0});
    } else if (market::SellerVerdict(floor, *highest_kept) != GridVerdict::kBeatsGrid) {
      out.beaten.push_back({false, j, GridVerdict::kFeedInBetter, floor, *highest_kept});
    }
    s.c = std::max(s.c, floor);
    s.c_min = std::max(s.c_min, floor);
    s.c_max = std::max(s.c_max, floor);
  }
  out.buyers = std::move(buyers);
  out.sellers = std::move(sellers);
  return out;
}

ScreenedBids RoundBidsAsPriced(const market::GridTariff* tariff, const chain::TradingRound& round) {
  std::vector<chain::BuyerBid> buyers;
  std::vector<chain::SellerBid> sellers;
  for (const auto& b : round.buyers) buyers.push_back(std::get<chain::BuyerBid>(b.body));
  for (const auto& s : round.sellers) sellers.push_back(std::get<chain::SellerBid>(s.body));
  if (tariff == nullptr) return {std::move(buyers), std::move(sellers), {}};
  return ScreenAgainstTariff(*tariff, round.t_stamp_s, std::move(buyers), std::move(sellers));
}

std::optional<chain::Rejection> CheckNoneBeaten(const ScreenedBids& screened) {
  if (screened.beaten.empty()) return std::nullopt;
  const GridBeaten& x = screened.beaten.front();
  return chain::Rejected(chain::Reject::kBeatenByGrid,
                         std::string(x.buyer ? "buyer " : "seller ") + std::to_string(x.index) +
                             " " + std::string(market::GridVerdictName(x.verdict)) + ": " +
                             market::GridVerdictDetail(x.verdict, x.option, x.bound));
}

}  // namespace v2v::contract
