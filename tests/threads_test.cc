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

TEST(KeyStoreThreads, RollingRotationWhileVerifying) {
  // A rolling window of keys, as an identity provider rotates: swap i
  // publishes a freshly built set {stable, k[i], k[i+1]}. Every old set is
  // freed by replace() while readers run, so a reader that outlived its
  // snapshot would be a use-after-free (ASan) or a race (TSan).
  constexpr int kKeys = 40;
  constexpr int kSwaps = 3000;
  const testkit::SigningKey stable = testkit::generate_key(Alg::HS256, "stable");
  std::vector<testkit::SigningKey> keys;
  for (int i = 0; i < kKeys; ++i) {
    std::string kid = "k";
    kid += std::to_string(i);
    keys.push_back(testkit::generate_key(Alg::HS256, kid));
  }
  const std::string payload = testkit::realistic_payload(kNow);
  std::vector<std::string> tokens;
  for (const auto& k : keys) tokens.push_back(testkit::sign(k, testkit::header_json(Alg::HS256, k.kid), payload));
  const std::string stable_token = testkit::sign(stable, testkit::header_json(Alg::HS256, "stable"), payload);
  auto set_for = [&](int i) {  // {stable, k[i], k[i+1]} (indexes mod kKeys)
    return std::make_shared<const KeySet>(
        *KeySet::from_jwks(testkit::jwks({&stable, &keys[i % kKeys], &keys[(i + 1) % kKeys]})));
  };
  Policy p;
  p.clock = [] { return kNow; };
  p.check_audience = false;
  auto store = std::make_shared<KeyStore>(set_for(0));
  const Verifier verifier(p, store);

  std::atomic<bool> stop{false};
  std::atomic<int> stable_failures{0}, unexplained{0}, verifies{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      Scratch scratch;
      Claims claims;
      for (int n = t; !stop.load(std::memory_order_relaxed); ++n) {
        if (verifier.verify(stable_token, scratch, claims) != Status::ok) stable_failures++;
        // A rolling key is either in the snapshot or not: nothing else.
        const Status s = verifier.verify(tokens[n % kKeys], scratch, claims);
        if (s != Status::ok && s != Status::key_not_found) unexplained++;
        verifies++;
      }
    });
  }
  Scratch scratch;
  Claims claims;
  int wrong_after_swap = 0;
  for (int i = 1; i <= kSwaps; ++i) {
    store->replace(set_for(i));
    // Right after the swap: k[i+1] (just added) verifies, k[i-1] (just
    // removed) is unknown, and the store counts the swap.
    wrong_after_swap += verifier.verify(tokens[(i + 1) % kKeys], scratch, claims) != Status::ok;
    wrong_after_swap += verifier.verify(tokens[(i - 1) % kKeys], scratch, claims) != Status::key_not_found;
  }
  EXPECT_EQ(store->version(), static_cast<uint64_t>(kSwaps));
  while (verifies.load() < 300) std::this_thread::yield();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong_after_swap, 0);
  EXPECT_EQ(stable_failures.load(), 0);
  EXPECT_EQ(unexplained.load(), 0);
}

TEST(KeyStoreThreads, UnknownKidListenerSeesEveryMissFromEveryThread) {
  const testkit::SigningKey k = testkit::generate_key(Alg::HS256, "known");
  auto store = std::make_shared<KeyStore>(
      std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&k}))));
  std::atomic<int> misses{0};
  store->set_unknown_kid_listener([&](std::string_view kid) {
    if (kid == "new") misses++;
  });
  Policy p;
  p.clock = [] { return kNow; };
  p.check_audience = false;
  const Verifier verifier(p, store);
  const std::string payload = testkit::realistic_payload(kNow);
  const std::string unknown = testkit::sign(k, testkit::header_json(Alg::HS256, "new"), payload);
  const std::string known = testkit::sign(k, testkit::header_json(Alg::HS256, "known"), payload);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      Scratch scratch;
      Claims claims;
      for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(verifier.verify(unknown, scratch, claims), Status::key_not_found);
        EXPECT_EQ(verifier.verify(known, scratch, claims), Status::ok);  // no call
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(misses.load(), 200);
}

TEST(KeyStoreThreads, ListenerMayReplaceTheSetItself) {
  // A naive key source refetches inside the listener and calls replace()
  // there. The verify that noticed the unknown kid has released its
  // snapshot by then, so this must not deadlock, and the next verify sees
  // the new key.
  const testkit::SigningKey old_key = testkit::generate_key(Alg::HS256, "old");
  const testkit::SigningKey new_key = testkit::generate_key(Alg::HS256, "new");
  auto store = std::make_shared<KeyStore>(
      std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&old_key}))));
  auto both = std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&old_key, &new_key})));
  int calls = 0;
  KeyStore* raw = store.get();
  store->set_unknown_kid_listener([&](std::string_view) {
    ++calls;
    raw->replace(both);
  });
  Policy p;
  p.clock = [] { return kNow; };
  p.check_audience = false;
  const Verifier verifier(p, store);
  const std::string token =
      testkit::sign(new_key, testkit::header_json(Alg::HS256, "new"), testkit::realistic_payload(kNow));
  Scratch scratch;
  Claims claims;
  EXPECT_EQ(verifier.verify(token, scratch, claims), Status::key_not_found);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(verifier.verify(token, scratch, claims), Status::ok);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace jve
