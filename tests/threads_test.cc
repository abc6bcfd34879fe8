// Verifier is const and shared; the key set is swapped under it.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "jve/jve.hpp"
#include "testkit.h"

namespace jve {
namespace {

constexpr int64_t kNow = 1'700'000'000;

TEST(VerifierThreads, VerifiesFromManyThreadsWhileKeysAreSwapped) {
  // Key A stays in every set; key B is added and removed by the writer.
  testkit::SigningKey a = testkit::generate_key(Alg::ES256, "a");
  testkit::SigningKey b = testkit::generate_key(Alg::HS256, "b");
  auto set_a = std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&a})));
  auto set_ab = std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&a, &b})));
  Policy p;
  p.clock = [] { return kNow; };
  p.check_audience = false;
  auto store = std::make_shared<KeyStore>(set_a);
  const Verifier verifier(p, store);
  const std::string payload = testkit::realistic_payload(kNow);
  const std::string token_a = testkit::sign(a, testkit::header_json(Alg::ES256, "a"), payload);
  const std::string token_b = testkit::sign(b, testkit::header_json(Alg::HS256, "b"), payload);

  std::atomic<bool> stop{false};
  std::atomic<int> failures_a{0}, b_ok{0}, b_missing{0}, b_other{0}, verifies{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      Scratch scratch;
      Claims claims;
      while (!stop.load(std::memory_order_relaxed)) {
        if (verifier.verify(token_a, scratch, claims) != Status::ok) failures_a++;
        switch (verifier.verify(token_b, scratch, claims)) {
          case Status::ok: b_ok++; break;
          case Status::key_not_found: b_missing++; break;
          default: b_other++;
        }
        verifies++;
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    store->replace(i % 2 ? set_a : set_ab);
    // Right after a swap the new set is what a verify sees.
    Scratch scratch;
    Claims claims;
    EXPECT_EQ(verifier.verify(token_b, scratch, claims), i % 2 ? Status::key_not_found : Status::ok);
  }
  while (verifies.load() < 200) std::this_thread::yield();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures_a.load(), 0);
  EXPECT_EQ(b_other.load(), 0);  // only the swaps explain B's verdicts
  EXPECT_GT(b_ok.load() + b_missing.load(), 0);
}

}  // namespace
}  // namespace jve
