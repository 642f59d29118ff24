// Fuzz target: the vehicle gateway's message decoder (gateway/wire.h) and the whole JSON-RPC
// layer (gateway/vehicle_api.h) over a fake node running the real contract, on arbitrary frame
// bytes. Every answer must be valid JSON-RPC; nothing may throw or crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/clock.h"
#include "gateway/testing_fake_node.h"
#include "gateway/vehicle_api.h"
#include "gateway/wire.h"

namespace {
struct Sink final : v2v::gateway::SessionOut {
  void Send(v2v::gateway::SessionId, v2v::gateway::OutFrame frame) override {
    if (nlohmann::json::parse(frame.Text(), nullptr, false).is_discarded()) __builtin_trap();
  }
};
struct Harness {
  v2v::contract::testing::World world{4};
  v2v::gateway::testing::FakeNode node{world};
  Sink sink;
  v2v::base::FakeClock clock{v2v::contract::testing::World::kT0 * 1000};
  v2v::gateway::VehicleApi api{
      [] {
        v2v::gateway::RoundBookOptions o;
        o.rsu = "rsu-1";
        return o;
      }(),
      v2v::chain::testing::FixedKey(101),
      node,
      clock,
      sink,
      v2v::gateway::ApiLimits{.subscriptions = {}, .requests_per_s = 1e9, .burst = 1e9}};
  Harness() { api.Open(1); }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness* h = new Harness();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto decoded = v2v::gateway::DecodeRequest(text);
  if (auto* r = std::get_if<v2v::gateway::RpcRequest>(&decoded)) {
    for (const auto& p : r->params) {
      (void)v2v::gateway::TxFromHex(p);
      (void)v2v::gateway::Hash32FromHex(p);
      (void)v2v::gateway::SignatureFromHex(p);
      (void)v2v::gateway::KeyProofFromJson(p);
    }
  }
  const std::string out = h->api.Handle(1, text);
  if (!out.empty() && nlohmann::json::parse(out, nullptr, false).is_discarded()) __builtin_trap();
  h->clock.Advance(100);
  return 0;
}
