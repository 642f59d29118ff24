// A buyer and a seller (trader.h) trade one round from the request to the settlement with no
// socket and no wall clock: their clients dial an RSU in this process (the real vehicle API,
// gateway::VehicleApi, over a fake node running the real contract), and the vehicles and the RSU
// share one FakeClock that the test moves.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "gateway/testing_fake_node.h"
#include "gateway/vehicle_api.h"
#include "vehicle/client.h"
#include "vehicle/trader.h"

namespace v2v::vehicle {
namespace {

using contract::testing::World;

// The RSU's side of every link: each is one session of the vehicle API; frames both ways go
// through the io_context, as they would over a socket.
class InProcessRsu final : public gateway::SessionOut {
 public:
  InProcessRsu(boost::asio::io_context& io, const World& w, const base::Clock& clock)
      : io_(io), node_(w), api_(Options(), chain::testing::FixedKey(101), node_, clock, *this) {
    node_.Tell(&api_.book());
  }

  Dialer Dial() {
    return [this](std::weak_ptr<LinkEvents> events) {
      auto link = std::make_shared<SessionLink>(*this, next_session_++, std::move(events));
      links_[link->session] = link;
      api_.Open(link->session);
      boost::asio::post(io_, [link] {
        link->opened = true;
        if (auto e = link->events.lock()) e->OnOpen();
      });
      return link;
    };
  }
  void Send(gateway::SessionId session, gateway::OutFrame frame) override {
    auto it = links_.find(session);
    if (it == links_.end()) return;
    if (auto link = it->second.lock()) link->Deliver(frame.Text());
  }
  // The RSU process ends: every connection closes (the vehicles see it dropped).
  void DropAll() {
    auto links = links_;
    for (auto& [session, weak] : links) {
      auto link = weak.lock();
      if (!link) continue;
      auto events = link->events;
      link->Close();
      boost::asio::post(io_, [events] {
        if (auto e = events.lock()) e->OnClosed("closed by the RSU");
      });
    }
  }
  gateway::VehicleApi& api() { return api_; }
  gateway::testing::FakeNode& node() { return node_; }

 private:
  struct SessionLink final : Link, std::enable_shared_from_this<SessionLink> {
    SessionLink(InProcessRsu& r, gateway::SessionId s, std::weak_ptr<LinkEvents> e)
        : rsu(r), session(s), events(std::move(e)) {}
    void Send(std::string text) override {
      boost::asio::post(rsu.io_, [self = shared_from_this(), text = std::move(text)] {
        if (self->closed) return;
        const std::string reply = self->rsu.api_.Handle(self->session, text);
        if (!reply.empty()) self->Deliver(reply);
      });
    }
    bool open() const override { return opened && !closed; }
    void Detach() override { events.reset(); }
    void Close() override {
      Detach();
      if (closed) return;
      closed = true;
      rsu.api_.Close(session);
      rsu.links_.erase(session);
    }
    void Deliver(std::string text) {
      boost::asio::post(rsu.io_, [self = shared_from_this(), text = std::move(text)] {
        if (auto e = self->events.lock(); e && !self->closed) e->OnText(text);
      });
    }

    InProcessRsu& rsu;
    const gateway::SessionId session;
    std::weak_ptr<LinkEvents> events;
    bool opened = false, closed = false;
  };

  static gateway::RoundBookOptions Options() {
    gateway::RoundBookOptions o;
    o.rsu = "rsu-1";
    return o;
  }

  boost::asio::io_context& io_;
  gateway::testing::FakeNode node_;
  gateway::VehicleApi api_;
  std::map<gateway::SessionId, std::weak_ptr<SessionLink>> links_;
  gateway::SessionId next_session_ = 1;
};

class TradeTest : public ::testing::Test {
 protected:
  // Car i of the world (its key is FixedKey(i + 1)).
  static Identity Car(int i) {
    return Identity{World::CarId(i), chain::testing::FixedKey(static_cast<uint8_t>(i + 1)), {}};
  }
  // A client of whichever RSU process runs now (rsu_, or the one that replaced it); it redials
  // within a millisecond of losing its connection.
  std::shared_ptr<Client> NewClient(uint64_t seed) {
    Dialer dial = [this](std::weak_ptr<LinkEvents> events) {
      return current_->Dial()(std::move(events));
    };
    const Backoff quick{std::chrono::milliseconds(1), std::chrono::milliseconds(0),
                        std::chrono::milliseconds(1), std::chrono::seconds(10)};
    return Client::Create(io_, std::move(dial), seed, quick, clock_);
  }
  EventSink Record(std::vector<std::string>& into) {
    return [&into](const Event& e) { into.push_back(e.type); };
  }
  // Runs what is ready until nothing is (the frames in flight, and their answers).
  void Deliver() {
    io_.restart();
    while (io_.poll() > 0) {
    }
  }
  // The node seals a block at the clock's second; the RSU's book takes it.
  void SealBlock() {
    rsu_.node().Seal(clock_.NowMs() / 1000);
    rsu_.api().book().OnHead(clock_.NowMs());
    Deliver();
  }

  // Car 2 offers to sell and car 0 requests to buy, both waiting for settlement: the seller
  // listens for calls, the request opens round 1, the seller hears its call and offers.
  void BidInRoundOne() {
    const SellerTerms sell{150, 100, 200, 20'000, 5'000, 50'000, 100, 0};
    seller = Seller::Create(NewClient(2), Car(2), sell, 1, WaitFor::kSettled, true,
                            Record(seller_events), [this](bool) { seller_done = true; });
    const BuyerTerms buy{300, 200, 400, 1000, 5000, 3000, 0, 0};
    buyer = Buyer::Create(NewClient(1), Car(0), buy, WaitFor::kSettled, 1.0, Record(buyer_events),
                          [this](bool) { buyer_done = true; });
    seller->Start();
    Deliver();
    buyer->Start();
    Deliver();
  }

  World w_{4};
  base::FakeClock clock_{World::kT0 * 1000};
  boost::asio::io_context io_;
  InProcessRsu rsu_{io_, w_, clock_};
  InProcessRsu* current_ = &rsu_;
  std::unique_ptr<InProcessRsu> restarted_;
  // Declared last, so destroyed first: before the RSUs and the io_context they use.
  std::vector<std::string> buyer_events, seller_events;
  bool buyer_done = false, seller_done = false;
  std::shared_ptr<Seller> seller;
  std::shared_ptr<Buyer> buyer;
};

TEST_F(TradeTest, ABuyerAndASellerTradeARoundToSettlementOnAFakeClock) {
  BidInRoundOne();
  EXPECT_EQ(buyer_events, std::vector<std::string>{"accepted"});
  EXPECT_EQ(seller_events, (std::vector<std::string>{"call", "accepted"}));

  clock_.Set((World::kT0 + 13) * 1000);  // past the deadline and the build delay
  rsu_.api().book().Tick(clock_.NowMs());
  Deliver();  // the RSU builds, signs and submits the round; both hear the scheme
  ASSERT_EQ(rsu_.node().pending(), 1u);
  SealBlock();  // the round commits: the buyer co-signs, the seller reports the reading
  EXPECT_FALSE(buyer_done);
  EXPECT_EQ(rsu_.node().pending(), 1u) << "the meter report";

  clock_.Advance(1000);
  SealBlock();  // the report settles the escrow
  ASSERT_TRUE(buyer_done);
  ASSERT_TRUE(seller_done);
  EXPECT_TRUE(buyer->succeeded()) << buyer->failure_reason();
  EXPECT_TRUE(seller->succeeded()) << seller->failure_reason();
  EXPECT_EQ(buyer_events,
            (std::vector<std::string>{"accepted", "scheme", "committed", "cosigned", "settled"}));
  EXPECT_EQ(seller_events, (std::vector<std::string>{"call", "accepted", "scheme", "committed",
                                                     "cosign", "meter report", "settled"}));
  buyer->Stop();
  seller->Stop();
  Deliver();
}

// Found by the hosts harness (tests/hosts): the RSU is killed with both bids accepted into its
// open round and starts again with no memory of it. After reconnecting, each vehicle asks for the
// round, hears `unknown_round` and ends its engagement as dropped, instead of waiting for a scheme
// that will never come.
TEST_F(TradeTest, ABuyerAndASellerWhoseRsuRestartedBeforeBuildingTheirRoundEndAsDropped) {
  BidInRoundOne();
  ASSERT_EQ(buyer_events, std::vector<std::string>{"accepted"});
  ASSERT_EQ(seller_events, (std::vector<std::string>{"call", "accepted"}));

  rsu_.DropAll();
  restarted_ = std::make_unique<InProcessRsu>(io_, w_, clock_);
  current_ = restarted_.get();
  clock_.Advance(2000);
  for (int i = 0; i < 20 && !(buyer_done && seller_done); ++i) {
    io_.restart();
    io_.run_for(std::chrono::milliseconds(20));  // the redial timers (1 ms) and the catch-up
  }
  ASSERT_TRUE(buyer_done);
  ASSERT_TRUE(seller_done);
  EXPECT_FALSE(buyer->succeeded());
  EXPECT_EQ(buyer->failure_reason(), "dropped");
  EXPECT_EQ(buyer_events, (std::vector<std::string>{"accepted", "reconnecting", "dropped"}));
  EXPECT_EQ(seller_events,
            (std::vector<std::string>{"call", "accepted", "reconnecting", "dropped"}));
  buyer->Stop();
  seller->Stop();
  Deliver();
}

}  // namespace
}  // namespace v2v::vehicle
