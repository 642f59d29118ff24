#include "market/market_json.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "market/internal/duplicate_keys.h"

namespace v2v::market {
namespace {

using nlohmann::json;

const char* TypeName(const json& j) { return j.type_name(); }

// Reads the fields of one JSON object, remembering which keys were consumed.
class ObjectReader {
 public:
  ObjectReader(const json& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

  Status Number(const char* key, double* out, bool optional = false) {
    seen_.insert(key);
    auto it = obj_.find(key);
    if (it == obj_.end()) {
      return optional ? Status::Ok() : Status::InvalidArgument(Path(key) + ": missing");
    }
    if (!it->is_number()) {
      return Status::InvalidArgument(Path(key) + ": expected a number, got " + TypeName(*it));
    }
    *out = it->get<double>();
    if (!std::isfinite(*out))
      return Status::InvalidArgument(Path(key) + ": must be a finite number");
    return Status::Ok();
  }

  // A number that may be absent (the field stays unset).
  Status Optional(const char* key, std::optional<double>* out) {
    if (obj_.find(key) == obj_.end()) {
      seen_.insert(key);
      return Status::Ok();
    }
    double x = 0;
    V2V_RETURN_IF_ERROR(Number(key, &x));
    *out = x;
    return Status::Ok();
  }

  Status String(const char* key, std::string* out) {
    seen_.insert(key);
    auto it = obj_.find(key);
    if (it == obj_.end()) return Status::InvalidArgument(Path(key) + ": missing");
    if (!it->is_string()) {
      return Status::InvalidArgument(Path(key) + ": expected a string, got " + TypeName(*it));
    }
    *out = it->get<std::string>();
    return Status::Ok();
  }

  // An object that may be absent (*out stays null).
  Status OptionalObject(const char* key, const json** out) {
    seen_.insert(key);
    auto it = obj_.find(key);
    if (it == obj_.end()) return Status::Ok();
    if (!it->is_object()) {
      return Status::InvalidArgument(Path(key) + ": expected an object, got " + TypeName(*it));
    }
    *out = &*it;
    return Status::Ok();
  }

  Status NoUnknownKeys() const {
    for (auto it = obj_.begin(); it != obj_.end(); ++it) {
      if (!seen_.count(it.key())) return Status::InvalidArgument(Path(it.key()) + ": unknown key");
    }
    return Status::Ok();
  }

 private:
  std::string Path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const json& obj_;
  std::string path_;
  std::set<std::string> seen_;
};

Status RequireObject(const json& j, const std::string& path) {
  if (!j.is_object())
    return Status::InvalidArgument(path + ": expected an object, got " + TypeName(j));
  return Status::Ok();
}

Status ParseBuyer(const json& j, const std::string& path, BuyerBid* b) {
  V2V_RETURN_IF_ERROR(RequireObject(j, path));
  ObjectReader r(j, path);
  V2V_RETURN_IF_ERROR(r.String("id", &b->id));
  for (auto [k, p] : {std::pair{"v", &b->v},
                      {"v_min", &b->v_min},
                      {"v_max", &b->v_max},
                      {"b_min", &b->b_min},
                      {"b_max", &b->b_max},
                      {"w", &b->w},
                      {"x", &b->x},
                      {"y", &b->y}}) {
    V2V_RETURN_IF_ERROR(r.Number(k, p));
  }
  V2V_RETURN_IF_ERROR(r.Optional("max_power_kw", &b->max_power_kw));
  V2V_RETURN_IF_ERROR(r.Optional("stay_s", &b->stay_s));
  V2V_RETURN_IF_ERROR(r.Optional("outside_option_per_kwh", &b->outside_option_per_kwh));
  return r.NoUnknownKeys();
}

Status ParseSeller(const json& j, const std::string& path, SellerBid* s) {
  V2V_RETURN_IF_ERROR(RequireObject(j, path));
  ObjectReader r(j, path);
  V2V_RETURN_IF_ERROR(r.String("id", &s->id));
  for (auto [k, p] : {std::pair{"c", &s->c},
                      {"c_min", &s->c_min},
                      {"c_max", &s->c_max},
                      {"s_t", &s->s_t},
                      {"s_r", &s->s_r},
                      {"rho", &s->rho},
                      {"x", &s->x},
                      {"y", &s->y}}) {
    V2V_RETURN_IF_ERROR(r.Number(k, p));
  }
  V2V_RETURN_IF_ERROR(r.Optional("max_power_kw", &s->max_power_kw));
  V2V_RETURN_IF_ERROR(r.Optional("stay_s", &s->stay_s));
  V2V_RETURN_IF_ERROR(r.Optional("target_kwh", &s->target_kwh));
  return r.NoUnknownKeys();
}

Status ParseArray(const json& root, const char* key, const std::string& what,
                  const std::function<Status(const json&, const std::string&)>& each) {
  auto it = root.find(key);
  if (it == root.end()) return Status::InvalidArgument(std::string(key) + ": missing");
  if (!it->is_array()) {
    return Status::InvalidArgument(std::string(key) + ": expected an array of " + what + ", got " +
                                   TypeName(*it));
  }
  for (size_t i = 0; i < it->size(); ++i) {
    V2V_RETURN_IF_ERROR(each((*it)[i], std::string(key) + "[" + std::to_string(i) + "]"));
  }
  return Status::Ok();
}

Status ParseInto(const json& root, Market* m) {
  V2V_RETURN_IF_ERROR(RequireObject(root, "market"));
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() != "auctioneer" && it.key() != "buyers" && it.key() != "sellers") {
      return Status::InvalidArgument(it.key() + ": unknown key");
    }
  }
  auto auc = root.find("auctioneer");
  if (auc == root.end()) return Status::InvalidArgument("auctioneer: missing");
  V2V_RETURN_IF_ERROR(RequireObject(*auc, "auctioneer"));
  ObjectReader r(*auc, "auctioneer");
  Auctioneer& a = m->auctioneer;
  V2V_RETURN_IF_ERROR(r.Number("v_min", &a.v_min));
  V2V_RETURN_IF_ERROR(r.Number("c_max", &a.c_max));
  V2V_RETURN_IF_ERROR(r.Number("l1", &a.l1));
  V2V_RETURN_IF_ERROR(r.Number("l2", &a.l2));
  V2V_RETURN_IF_ERROR(r.Number("radius_m", &a.radius_m, /*optional=*/true));
  const json* grid = nullptr;
  V2V_RETURN_IF_ERROR(r.OptionalObject("grid", &grid));
  if (grid != nullptr) {
    ObjectReader g(*grid, "auctioneer.grid");
    a.grid.emplace();
    V2V_RETURN_IF_ERROR(g.Number("feed_in_per_kwh", &a.grid->feed_in_per_kwh));
    V2V_RETURN_IF_ERROR(g.Number("fee_per_kwh", &a.grid->fee_per_kwh, /*optional=*/true));
    V2V_RETURN_IF_ERROR(g.NoUnknownKeys());
  }
  V2V_RETURN_IF_ERROR(r.NoUnknownKeys());
  V2V_RETURN_IF_ERROR(
      ParseArray(root, "buyers", "buyer bids", [m](const json& j, const std::string& p) {
        m->buyers.emplace_back();
        return ParseBuyer(j, p, &m->buyers.back());
      }));
  return ParseArray(root, "sellers", "seller bids", [m](const json& j, const std::string& p) {
    m->sellers.emplace_back();
    return ParseSeller(j, p, &m->sellers.back());
  });
}

}  // namespace

Result<Market> ParseMarketJson(std::string_view text) {
  if (text.size() > kMaxMarketJsonBytes) {
    return Status::InvalidArgument("input: larger than the limit of " +
                                   std::to_string(kMaxMarketJsonBytes) + " bytes");
  }
  internal::StrictParse parsed = internal::ParseRejectingDuplicates(text, kMaxMarketJsonDepth);
  json& root = parsed.value;
  if (root.is_discarded()) {
    // Re-parse with exceptions, caught here, only to recover the position of the error.
    std::string where = "not valid JSON";
    try {
      const json reparsed = json::parse(text.begin(), text.end());
      static_cast<void>(reparsed);
    } catch (const json::parse_error& e) {
      where = "not valid JSON at byte " + std::to_string(e.byte);
    } catch (const json::exception& e) {  // e.g. a number too large for a double
      where = std::string("not valid JSON (") + e.what() + ")";
    }
    return Status::InvalidArgument("input: " + where);
  }
  if (parsed.too_deep) {
    return Status::InvalidArgument("input: nested deeper than " +
                                   std::to_string(kMaxMarketJsonDepth) + " levels");
  }
  if (parsed.duplicate) return Status::InvalidArgument(*parsed.duplicate + ": duplicate key");
  Market m;
  V2V_RETURN_IF_ERROR(ParseInto(root, &m));
  V2V_RETURN_IF_ERROR(ValidateMarketStructure(m));
  return m;
}

std::string MarketToJson(const Market& m) {
  nlohmann::ordered_json out;
  const Auctioneer& a = m.auctioneer;
  out["auctioneer"] = {
      {"v_min", a.v_min}, {"c_max", a.c_max}, {"l1", a.l1}, {"l2", a.l2}, {"radius_m", a.radius_m}};
  if (a.grid) {
    out["auctioneer"]["grid"] = {{"feed_in_per_kwh", a.grid->feed_in_per_kwh},
                                 {"fee_per_kwh", a.grid->fee_per_kwh}};
  }
  out["buyers"] = nlohmann::ordered_json::array();
  for (const BuyerBid& b : m.buyers) {
    out["buyers"].push_back({{"id", b.id},
                             {"v", b.v},
                             {"v_min", b.v_min},
                             {"v_max", b.v_max},
                             {"b_min", b.b_min},
                             {"b_max", b.b_max},
                             {"w", b.w},
                             {"x", b.x},
                             {"y", b.y}});
    if (b.max_power_kw) out["buyers"].back()["max_power_kw"] = *b.max_power_kw;
    if (b.stay_s) out["buyers"].back()["stay_s"] = *b.stay_s;
    if (b.outside_option_per_kwh)
      out["buyers"].back()["outside_option_per_kwh"] = *b.outside_option_per_kwh;
  }
  out["sellers"] = nlohmann::ordered_json::array();
  for (const SellerBid& s : m.sellers) {
    out["sellers"].push_back({{"id", s.id},
                              {"c", s.c},
                              {"c_min", s.c_min},
                              {"c_max", s.c_max},
                              {"s_t", s.s_t},
                              {"s_r", s.s_r},
                              {"rho", s.rho},
                              {"x", s.x},
                              {"y", s.y}});
    if (s.max_power_kw) out["sellers"].back()["max_power_kw"] = *s.max_power_kw;
    if (s.stay_s) out["sellers"].back()["stay_s"] = *s.stay_s;
    if (s.target_kwh) out["sellers"].back()["target_kwh"] = *s.target_kwh;
  }
  return out.dump();
}

std::string RoundResultToJson(const RoundResult& r, int indent) {
  using ojson = nlohmann::ordered_json;  // keys in the documented order
  ojson out;
  ojson pairs = ojson::array();
  for (const PairResult& p : r.pairs) {
    pairs.push_back({{"buyer", p.buyer},
                     {"seller", p.seller},
                     {"distance_m", p.distance_m},
                     {"P", p.price.p},
                     {"R", p.price.r},
                     {"T", p.price.trade ? ojson(p.price.t) : ojson(nullptr)},
                     {"trade", p.price.trade},
                     {"volume", p.volume}});
  }
  out["pairs"] = std::move(pairs);
  ojson rej = ojson::array();
  for (const Rejection& x : r.rejected) {
    rej.push_back({{"id", x.id}, {"reason", x.reason}});
    if (x.grid) rej.back()["code"] = std::string(GridVerdictName(*x.grid));
  }
  out["rejected"] = std::move(rej);
  out["unserved"] = r.unserved;
  out["welfare"] = r.welfare;
  out["duality_gap"] = r.duality_gap;
  ojson buyers = ojson::array();
  for (const BuyerOutcome& b : r.buyers) {
    buyers.push_back(
        {{"id", b.id}, {"receives", b.receives}, {"pays", b.pays}, {"lambda", b.lambda}});
  }
  out["buyers"] = std::move(buyers);
  ojson sellers = ojson::array();
  for (const SellerOutcome& s : r.sellers) {
    sellers.push_back({{"id", s.id},
                       {"delivers", s.delivers},
                       {"energy_out", s.energy_out},
                       {"earns", s.earns},
                       {"gamma", s.gamma}});
  }
  out["sellers"] = std::move(sellers);
  out["solver"] = {{"max_violation_kwh", r.max_violation_kwh},
                   {"newton_iterations", r.newton_iterations},
                   {"cg_iterations", r.cg_iterations},
                   {"lp_solves", r.lp_solves}};
  return out.dump(indent);
}

std::string RoundResultToTable(const RoundResult& r) {
  std::ostringstream os;
  char line[256];
  os << "Trades (pairs within the radius whose bid meets the ask)\n";
  std::snprintf(line, sizeof line, "  %-10s %-10s %9s %8s %8s %8s %10s\n", "buyer", "seller",
                "dist_m", "P", "R", "T", "kWh");
  os << line;
  int traded = 0;
  for (const PairResult& p : r.pairs) {
    if (!p.price.trade) continue;
    ++traded;
    std::snprintf(line, sizeof line, "  %-10s %-10s %9.1f %8.4f %8.4f %8.4f %10.4f\n",
                  p.buyer.c_str(), p.seller.c_str(), p.distance_m, p.price.p, p.price.r, p.price.t,
                  p.volume);
    os << line;
  }
  os << "  (" << traded << " of " << r.pairs.size() << " pairs in range may trade)\n\nBuyers\n";
  std::snprintf(line, sizeof line, "  %-10s %12s %12s\n", "id", "receives_kWh", "pays");
  os << line;
  for (const BuyerOutcome& b : r.buyers) {
    std::snprintf(line, sizeof line, "  %-10s %12.4f %12.4f\n", b.id.c_str(), b.receives, b.pays);
    os << line;
  }
  os << "\nSellers\n";
  std::snprintf(line, sizeof line, "  %-10s %12s %14s %12s\n", "id", "delivers_kWh",
                "energy_out_kWh", "earns");
  os << line;
  for (const SellerOutcome& s : r.sellers) {
    std::snprintf(line, sizeof line, "  %-10s %12.4f %14.4f %12.4f\n", s.id.c_str(), s.delivers,
                  s.energy_out, s.earns);
    os << line;
  }
  os << "\n";
  for (const Rejection& x : r.rejected) os << "Rejected " << x.id << ": " << x.reason << "\n";
  for (const std::string& u : r.unserved)
    os << "Unserved " << u << ": its minimum demand cannot be met\n";
  std::snprintf(line, sizeof line, "Welfare %.6f   certified relative duality gap %.2e\n",
                r.welfare, r.duality_gap);
  os << line;
  return os.str();
}

}  // namespace v2v::market
