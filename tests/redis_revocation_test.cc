// RedisRevocations and RedisWriter against a real redis-server of the
// test's own (tests/redis_server.h; no mock): two replicas, each with its
// own connections, as two processes of a fleet would have.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "jve/jve.hpp"
#include "jve/redis_revocations.h"
#include "redis_server.h"
#include "revocation_redis/redis_url.h"
#include "testkit.h"

namespace jve {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing_redis::RedisServer;

const std::string kIss = "https://issuer.example";

int64_t wall_now() { return static_cast<int64_t>(std::time(nullptr)); }

// waits until |f| holds or |limit| passes; returns how long it took, or -1.
template <class F>
double wait_for(F&& f, std::chrono::milliseconds limit = 5000ms) {
  const auto start = Clock::now();
  while (Clock::now() - start < limit) {
    if (f()) return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::this_thread::sleep_for(1ms);
  }
  return -1;
}

RedisOptions fast_options(const RedisServer& redis) {
  RedisOptions o;
  o.url = redis.url();
  o.heartbeat = 100ms;
  o.resync_interval = 2s;
  o.connect_timeout = 500ms;
  o.backoff_initial = 50ms;
  o.backoff_max = 400ms;
  return o;
}

// Raw access for what a foreign program (or a broken one) would write.
void raw(const RedisServer& redis, std::initializer_list<std::string> args) {
  redisContext* c = redisConnect("127.0.0.1", redis.port());
  ASSERT_TRUE(c && !c->err);
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r->type, REDIS_REPLY_ERROR) << std::string(r->str ? r->str : "");
  freeReplyObject(r);
  redisFree(c);
}

class Fleet : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.ok()) << redis_.error();
    hs_ = testkit::generate_key(Alg::HS256, "k1");
  }
  std::unique_ptr<Verifier> verifier_for(std::shared_ptr<RevocationList> list) {
    Policy p;
    p.issuers = {kIss};
    p.revocation = std::move(list);
    auto set = KeySet::from_jwks(testkit::jwks({&hs_}));
    return std::make_unique<Verifier>(p, std::make_shared<const KeySet>(std::move(*set)));
  }
  std::string token(const std::string& jti, const std::string& sub, int64_t iat) {
    return testkit::sign(hs_, "{\"alg\":\"HS256\",\"kid\":\"k1\"}",
                         "{\"iss\":\"" + kIss + "\",\"sub\":\"" + sub + "\",\"jti\":\"" + jti +
                             "\",\"iat\":" + std::to_string(iat) +
                             ",\"exp\":" + std::to_string(wall_now() + 3600) + "}");
  }

  RedisServer redis_;
  testkit::SigningKey hs_;
};

TEST_F(Fleet, RevocationReachesTheOtherReplicaWithinABound) {
  auto list_a = std::make_shared<RevocationList>(), list_b = std::make_shared<RevocationList>();
  RedisRevocations a(list_a, fast_options(redis_)), b(list_b, fast_options(redis_));
  ASSERT_TRUE(a.wait_loaded(5s));
  ASSERT_TRUE(b.wait_loaded(5s));
  auto va = verifier_for(list_a), vb = verifier_for(list_b);
  Scratch scratch;
  Claims claims;
  RedisWriter writer(redis_.url());
  ASSERT_TRUE(writer.ok()) << writer.error();

  std::vector<double> delays;
  for (int i = 0; i < 20; ++i) {
    const std::string jti = "leaked-" + std::to_string(i);
    const std::string t = token(jti, "u", wall_now());
    ASSERT_EQ(vb->verify(t, scratch, claims), Status::ok);
    const auto start = Clock::now();
    ASSERT_TRUE(writer.revoke({Revocation::Kind::jti, kIss, jti, 0, wall_now() + 3600}, wall_now()))
        << writer.error();
    const double ms = wait_for([&] { return vb->verify(t, scratch, claims) == Status::revoked; });
    ASSERT_GE(ms, 0) << "replica B never saw " << jti;
    delays.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    EXPECT_GE(wait_for([&] { return va->verify(t, scratch, claims) == Status::revoked; }), 0);
  }
  std::sort(delays.begin(), delays.end());
  std::printf("propagation writer -> replica B: median %.2f ms, max %.2f ms over %zu\n",
              delays[delays.size() / 2], delays.back(), delays.size());
  EXPECT_LT(delays.back(), 1000.0) << "the bound README states";
  EXPECT_EQ(b.stats().messages, 20u);
  EXPECT_TRUE(b.stats().connected);
}

TEST_F(Fleet, SubjectCutoffRevokesOldTokensAndSparesNewOnes) {
  auto list = std::make_shared<RevocationList>();
  RedisRevocations sync(list, fast_options(redis_));
  ASSERT_TRUE(sync.wait_loaded(5s));
  auto v = verifier_for(list);
  Scratch scratch;
  Claims claims;
  const int64_t now = wall_now();
  const std::string old_token = token("a", "alice", now - 100), new_token = token("b", "alice", now);
  RedisWriter writer(redis_.url());
  ASSERT_TRUE(writer.revoke({Revocation::Kind::subject, kIss, "alice", now - 10, now + 3600}, now));
  EXPECT_GE(wait_for([&] { return v->verify(old_token, scratch, claims) == Status::revoked; }), 0);
  EXPECT_EQ(v->verify(new_token, scratch, claims), Status::ok);
  EXPECT_EQ(v->verify(token("c", "bob", now - 100), scratch, claims), Status::ok);
}

TEST_F(Fleet, EntriesExpireInTheReplicaAndInRedis) {
  std::atomic<int64_t> now{wall_now()};
  auto list = std::make_shared<RevocationList>();
  RedisOptions o = fast_options(redis_);
  o.clock = [&] { return now.load(); };
  o.resync_interval = 200ms;
  RedisRevocations sync(list, o);
  ASSERT_TRUE(sync.wait_loaded(5s));
  RedisWriter writer(redis_.url());
  ASSERT_TRUE(writer.revoke({Revocation::Kind::jti, kIss, "short", 0, now + 5}, now));
  ASSERT_TRUE(writer.revoke({Revocation::Kind::jti, kIss, "long", 0, now + 3600}, now));
  ASSERT_GE(wait_for([&] { return list->size() == 2; }), 0);
  now += 6;  // "short" is past its expiry: the next resync drops it
  EXPECT_GE(wait_for([&] { return list->size() == 1; }), 0);
  EXPECT_EQ(list->entries().at(0).value, "long");
  // The writer prunes the set itself when it next writes.
  ASSERT_TRUE(writer.revoke({Revocation::Kind::jti, kIss, "third", 0, now + 3600}, now));
  redisContext* c = redisConnect("127.0.0.1", redis_.port());
  auto* r = static_cast<redisReply*>(redisCommand(c, "ZCARD jve:revocations"));
  EXPECT_EQ(r->integer, 2);
  freeReplyObject(r);
  redisFree(c);
}

TEST_F(Fleet, MalformedAndOversizedMessagesAreRefusedWithoutHarm) {
  auto list = std::make_shared<RevocationList>();
  RedisRevocations sync(list, fast_options(redis_));
  ASSERT_TRUE(sync.wait_loaded(5s));
  RedisWriter writer(redis_.url());
  ASSERT_TRUE(writer.revoke({Revocation::Kind::jti, kIss, "kept", 0, wall_now() + 3600}, wall_now()));
  ASSERT_GE(wait_for([&] { return list->size() == 1; }), 0);
  const std::string huge = "{\"jti\":\"" + std::string(1 << 20, 'x') + "\",\"exp\":9999999999}";
  for (const std::string& bad : {std::string("not json"), std::string("{\"jti\":1}"), huge,
                                 std::string("{\"jti\":\"a\",\"exp\":1,\"jti\":\"b\"}")})
    raw(redis_, {"PUBLISH", "jve:revocations", bad});
  raw(redis_, {"ZADD", "jve:revocations", "9999999999", "garbage in the set"});
  ASSERT_GE(wait_for([&] { return sync.stats().refused >= 4; }), 0) << sync.stats().refused;
  // A good message after the bad ones still applies; the list kept its entry.
  ASSERT_TRUE(writer.revoke({Revocation::Kind::jti, kIss, "after", 0, wall_now() + 3600}, wall_now()));
  ASSERT_GE(wait_for([&] { return list->size() == 2; }), 0);
  EXPECT_TRUE(sync.stats().connected);
  EXPECT_FALSE(sync.stats().last_error.empty());
  // The stored garbage is refused at the next load too, and harms nothing.
  EXPECT_GE(wait_for([&] { return sync.stats().loads >= 2; }, 5000ms), 0);
  EXPECT_EQ(list->size(), 2u);
}

TEST_F(Fleet, RedisKilledAndRestartedWhileVerifying) {
  auto open_list = std::make_shared<RevocationList>(), closed_list = std::make_shared<RevocationList>();
  std::mutex events_mu;
  std::vector<RedisEvent> events;
  RedisOptions open_o = fast_options(redis_);
  open_o.backoff_initial = 300ms;  // leaves a window to write while it is away
  open_o.backoff_max = 600ms;
  open_o.on_event = [&](const RedisEvent& e) {
    std::lock_guard<std::mutex> lock(events_mu);
    events.push_back(e);
  };
  RedisOptions closed_o = fast_options(redis_);
  closed_o.stale_policy = StalePolicy::reject;
  closed_o.max_staleness = 400ms;
  RedisRevocations open_sync(open_list, open_o), closed_sync(closed_list, closed_o);
  ASSERT_TRUE(open_sync.wait_loaded(5s));
  ASSERT_TRUE(closed_sync.wait_loaded(5s));
  auto v_open = verifier_for(open_list), v_closed = verifier_for(closed_list);

  const int64_t now = wall_now();
  const std::string revoked_before = token("before", "u", now), innocent = token("innocent", "u", now),
                    revoked_during = token("during", "u", now);
  RedisWriter writer(redis_.url());
  ASSERT_TRUE(writer.revoke({Revocation::Kind::jti, kIss, "before", 0, now + 3600}, now));
  ASSERT_GE(wait_for([&] { return open_list->size() == 1 && closed_list->size() == 1; }), 0);

  // Verifying threads run through the whole outage.
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> verifies{0};
  std::vector<std::thread> threads;
  for (const Verifier* v : {v_open.get(), v_closed.get()})
    threads.emplace_back([&, v] {
      Scratch s;
      Claims c;
      while (!stop) {
        (void)v->verify(innocent, s, c);
        (void)v->verify(revoked_before, s, c);
        verifies += 2;
      }
    });

  redis_.stop(SIGKILL);
  Scratch scratch;
  Claims claims;
  ASSERT_GE(wait_for([&] { return !open_sync.stats().connected; }), 0);
  EXPECT_GT(open_sync.stats().outage.count(), -1);
  // Fail open: the last state stands; fail closed, once stale: everything is refused.
  EXPECT_EQ(v_open->verify(innocent, scratch, claims), Status::ok);
  EXPECT_EQ(v_open->verify(revoked_before, scratch, claims), Status::revoked);
  ASSERT_GE(wait_for([&] { return closed_list->stale(); }), 0);
  EXPECT_EQ(v_closed->verify(innocent, scratch, claims), Status::revoked);
  std::this_thread::sleep_for(500ms);
  const RedisRevocationStats during = open_sync.stats();
  EXPECT_FALSE(during.connected);
  EXPECT_GE(during.outage.count(), 400);
  EXPECT_GE(during.replica_age_ms, 400);

  ASSERT_TRUE(redis_.start()) << redis_.error();
  // Written while the replica is still away (in its backoff): only the load
  // at reconnection can bring it.
  RedisWriter writer2(redis_.url());
  ASSERT_TRUE(writer2.ok()) << writer2.error();
  const bool away = !open_sync.stats().connected;
  ASSERT_TRUE(writer2.revoke({Revocation::Kind::jti, kIss, "during", 0, now + 3600}, wall_now()));
  EXPECT_GE(wait_for([&] { return v_open->verify(revoked_during, scratch, claims) == Status::revoked; }), 0);
  EXPECT_GE(wait_for([&] { return v_closed->verify(innocent, scratch, claims) == Status::ok; }), 0)
      << "fail closed recovers once current again";
  EXPECT_EQ(v_closed->verify(revoked_during, scratch, claims), Status::revoked);
  EXPECT_EQ(v_closed->verify(revoked_before, scratch, claims), Status::revoked);  // kept by the AOF
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_GT(verifies.load(), 100u);
  EXPECT_TRUE(open_sync.stats().connected);
  EXPECT_GE(open_sync.stats().reconnects, 1u);
  std::lock_guard<std::mutex> lock(events_mu);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front().kind, RedisEvent::Kind::down);
  EXPECT_FALSE(events.front().error.empty());
  EXPECT_EQ(events.back().kind, RedisEvent::Kind::up);
  EXPECT_GE(events.back().outage.count(), 500);
  std::printf("outage: %zu events, down %lld ms; written while away: %s\n", events.size(),
              static_cast<long long>(events.back().outage.count()), away ? "yes" : "no (raced)");
}

TEST_F(Fleet, ResyncRepairsAMissedMessage) {
  // An entry stored without PUBLISH (a message the replica missed) arrives
  // with the next full load.
  auto list = std::make_shared<RevocationList>();
  RedisOptions o = fast_options(redis_);
  o.resync_interval = 300ms;
  RedisRevocations sync(list, o);
  ASSERT_TRUE(sync.wait_loaded(5s));
  const Revocation r{Revocation::Kind::jti, kIss, "missed", 0, wall_now() + 3600};
  raw(redis_, {"ZADD", "jve:revocations", std::to_string(r.expires_at), format_revocation(r)});
  const double ms = wait_for([&] { return list->size() == 1; });
  EXPECT_GE(ms, 0);
  EXPECT_EQ(sync.stats().messages, 0u);
  EXPECT_EQ(list->entries().at(0), r);
}

TEST_F(Fleet, OneTimeTokens) {
  RedisWriter writer(redis_.url());
  ASSERT_TRUE(writer.ok()) << writer.error();
  EXPECT_EQ(writer.consume_once(kIss, "once-1", wall_now() + 60), Status::ok);
  EXPECT_EQ(writer.consume_once(kIss, "once-1", wall_now() + 60), Status::revoked);
  EXPECT_EQ(writer.consume_once("other", "once-1", wall_now() + 60), Status::ok);
  redis_.stop(SIGKILL);
  EXPECT_EQ(writer.consume_once(kIss, "once-2", wall_now() + 60), Status::internal_error);
}

TEST(RedisUnreachable, ReportsAndRetriesWithoutBlocking) {
  std::atomic<int> downs{0};
  RedisOptions o;
  o.url = "redis://127.0.0.1:1";  // nothing listens on port 1
  o.backoff_initial = 20ms;
  o.backoff_max = 50ms;
  o.on_event = [&](const RedisEvent&) { ++downs; };
  auto list = std::make_shared<RevocationList>();
  RedisRevocations sync(list, o);
  EXPECT_FALSE(sync.wait_loaded(300ms));
  EXPECT_GE(downs.load(), 2);
  EXPECT_FALSE(sync.stats().connected);
  EXPECT_FALSE(sync.stats().last_error.empty());
  RedisWriter writer("redis://127.0.0.1:1");
  EXPECT_FALSE(writer.ok());
  EXPECT_FALSE(writer.revoke({Revocation::Kind::jti, "", "x", 0, 1}, 0));
}

TEST(RedisUrl, Forms) {
  revocation_redis::RedisAddress a;
  std::string why;
  ASSERT_TRUE(revocation_redis::parse_redis_url("redis://10.0.0.5", a, &why));
  EXPECT_EQ(a.host, "10.0.0.5");
  EXPECT_EQ(a.port, 6379);
  ASSERT_TRUE(revocation_redis::parse_redis_url("redis://u:p@h:7000/3", a, &why));
  EXPECT_EQ(a.user, "u");
  EXPECT_EQ(a.password, "p");
  EXPECT_EQ(a.port, 7000);
  EXPECT_EQ(a.db, 3);
  ASSERT_TRUE(revocation_redis::parse_redis_url("redis://secret@h", a, &why));
  EXPECT_EQ(a.password, "secret");
  EXPECT_TRUE(a.user.empty());
  for (const char* bad : {"http://h", "redis://", "redis://h:0", "redis://h:70000", "redis://h/x", "redis://h:x"})
    EXPECT_FALSE(revocation_redis::parse_redis_url(bad, a, &why)) << bad;
  using std::chrono::milliseconds;
  EXPECT_EQ(revocation_redis::backoff_delay(milliseconds(100), milliseconds(5000), 1, 1.0).count(), 100);
  EXPECT_EQ(revocation_redis::backoff_delay(milliseconds(100), milliseconds(5000), 3, 1.0).count(), 400);
  EXPECT_EQ(revocation_redis::backoff_delay(milliseconds(100), milliseconds(5000), 40, 1.0).count(), 5000);
  EXPECT_EQ(revocation_redis::backoff_delay(milliseconds(100), milliseconds(5000), 1, 0.0).count(), 75);
}

}  // namespace
}  // namespace jve
