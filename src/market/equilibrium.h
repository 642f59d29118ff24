// Checking Theorem 1: is each side's linear bid a best response to the other's?
//
// Types are private and uniform: the buyer's value v ~ U[v_lo, v_hi], the seller's cost
// c ~ U[c_lo, c_hi]. A side playing a linear strategy bids alpha + beta * type. The expected
// utilities are the paper's eq. (3) (buyer) and eq. (4) (seller), computed in closed form:
//   EU_b(P; v) = E[(v - (P + R(c))/2) 1{R(c) <= P}]
//   EU_s(R; c) = E[((R + P(v))/2 - c) 1{P(v) >= R}]
// and the best deviation is found exactly (each is a concave quadratic on the interval where
// trade is possible, constant or monotone outside it).
//
// Theorem 1's strategies are a best response for every type as long as the other side's bid
// range is not exceeded (for the buyer's top type: 3 v^max + c^min <= 4 c^max, and symmetrically
// 3 c^min + v^max >= 4 v^min for the seller's bottom type); the unit square and every setting
// with equal ranges satisfy it. Outside it the check reports the positive gain it finds.
#pragma once

namespace v2v::market {

struct TypeRange {
  double lo = 0, hi = 1;
};
struct LinearStrategy {
  double alpha = 0, beta = 1;  // bid = alpha + beta * type, beta > 0
  double Bid(double type) const { return alpha + beta * type; }
};

// Theorem 1 (eq. 5, 6).
LinearStrategy TheoremOneBuyerStrategy(TypeRange v, TypeRange c);
LinearStrategy TheoremOneSellerStrategy(TypeRange v, TypeRange c);

// Expected utility of a buyer of value `v` bidding `p` against `seller` with costs in `c`.
double BuyerExpectedUtility(double v, double p, const LinearStrategy& seller, TypeRange c);
// Expected utility of a seller of cost `c` asking `r` against `buyer` with values in `v`.
double SellerExpectedUtility(double c, double r, const LinearStrategy& buyer, TypeRange v);

struct BestResponse {
  double bid = 0;
  double utility = 0;
};
BestResponse BuyerBestResponse(double v, const LinearStrategy& seller, TypeRange c);
BestResponse SellerBestResponse(double c, const LinearStrategy& buyer, TypeRange v);

struct EquilibriumReport {
  double max_buyer_gain = 0;  // max over buyer types of (best utility - utility of its strategy)
  double max_seller_gain = 0;
  double worst_buyer_type = 0;
  double worst_seller_type = 0;
};
// Evaluates the gains on `grid_points` evenly spaced types of each side (endpoints included).
// REQUIRES: grid_points >= 2.
EquilibriumReport CheckEquilibrium(TypeRange v, TypeRange c, const LinearStrategy& buyer,
                                   const LinearStrategy& seller, int grid_points = 201);

}  // namespace v2v::market
