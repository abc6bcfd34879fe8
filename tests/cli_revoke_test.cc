// `jve revoke` against a redis-server of the test's own: what it stores
// reaches a replica (RedisRevocations) and its verifies; bad usage is
// refused before Redis is touched.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <thread>

#include "cli_util.h"
#include "jve/jve.hpp"
#include "jve/redis_revocations.h"
#include "redis_server.h"

namespace jve {
namespace {

using namespace std::chrono_literals;
using cli_test::CliFixture;

class CliRevoke : public CliFixture {
 protected:
  bool eventually(const std::function<bool()>& f) {
    for (int i = 0; i < 5000; ++i) {
      if (f()) return true;
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }
  testing_redis::RedisServer redis_;
};

TEST_F(CliRevoke, EntriesReachAReplica) {
  ASSERT_TRUE(redis_.ok()) << redis_.error();
  auto list = std::make_shared<RevocationList>();
  RedisOptions o;
  o.url = redis_.url();
  RedisRevocations replica(list, o);
  ASSERT_TRUE(replica.wait_loaded(5s));
  const int64_t now = static_cast<int64_t>(std::time(nullptr));

  auto r = jve({"revoke", "--jti", "j-1", "--iss", "https://a.example", "--expires",
                std::to_string(now + 600), "--redis", redis_.url()});
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out, "{\"jti\":\"j-1\",\"iss\":\"https://a.example\",\"exp\":" + std::to_string(now + 600) + "}\n");
  r = jve({"revoke", "--sub", "alice", "--before", "now", "--ttl", "60", "--redis", redis_.url()});
  ASSERT_EQ(r.exit, 0) << r.err;
  r = jve({"revoke", "--iss", "https://a.example", "--before", std::to_string(now - 5), "--redis",
           redis_.url()});
  ASSERT_EQ(r.exit, 0) << r.err;
  ASSERT_TRUE(eventually([&] { return list->size() == 3; })) << list->size();

  Claims c;
  c.iss = "https://a.example";
  c.jti = "j-1";
  EXPECT_EQ(list->check(c, "", now), Status::revoked);
  Claims alice;
  alice.sub = "alice";
  alice.iat = static_cast<double>(now - 1);
  EXPECT_EQ(list->check(alice, "", now), Status::revoked);
  alice.iat = static_cast<double>(now + 1);
  EXPECT_EQ(list->check(alice, "", now), Status::ok);
  Claims old_key;
  old_key.iss = "https://a.example";
  old_key.iat = static_cast<double>(now - 10);
  EXPECT_EQ(list->check(old_key, "any-kid", now), Status::revoked);
}

TEST_F(CliRevoke, RefusesBadUsage) {
  const std::string url = redis_.ok() ? redis_.url() : "redis://127.0.0.1:1";
  for (const std::vector<std::string>& args : {
           std::vector<std::string>{"revoke", "--redis", url},                         // nothing named
           {"revoke", "--sub", "a", "--redis", url},                                  // no --before
           {"revoke", "--jti", "a", "--before", "now", "--redis", url},               // cut-off on a jti
           {"revoke", "--jti", "a", "--sub", "b", "--redis", url},                    // two kinds
           {"revoke", "--sub", "a", "--before", "yesterday", "--redis", url},         // bad time
           {"revoke", "--jti", "a", "--expires", "5", "--redis", url},                // already expired
           {"revoke", "--jti", "a", "--redis", "http://x"},                           // not a Redis URL
           {"revoke", "--jti", "a", "--redis", "redis://127.0.0.1:1"},                // unreachable
       }) {
    const auto r = jve(args);
    EXPECT_EQ(r.exit, 2) << args[1] << " " << args[2];
    EXPECT_NE(r.err.find("jve revoke:"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace jve
