// The HS256 batch kernels (engine/crypto/src/hs256_batch.cc, sha256_ni.cc)
// against BoringSSL's HMAC(): every lane of every available kernel, on the
// Wycheproof HMAC-SHA256 vectors and on random keys and lengths, and
// verify_hs256_batch's verdicts against crypto::verify.
#include <gtest/gtest.h>

#include <openssl/digest.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "crypto/hs256_batch.h"
#include "crypto/key_material.h"
#include "crypto/verify.h"
#include "test_printers.h"

namespace jve::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

// One HMAC case: key, message, and BoringSSL's tag.
struct Case {
  std::unique_ptr<KeyMaterial> key;
  std::string msg;
  uint8_t want[32];
  Bytes sig;  // what verify_hs256_batch checks (a copy of want, or a bad tag)
};

Case make_case(const Bytes& key, std::string msg) {
  Case c;
  c.key = std::make_unique<KeyMaterial>();
  EXPECT_EQ(prepare_hmac(key, *c.key), Status::ok);
  c.msg = std::move(msg);
  unsigned len = 0;
  EXPECT_NE(HMAC(EVP_sha256(), key.data(), key.size(), reinterpret_cast<const uint8_t*>(c.msg.data()),
                 c.msg.size(), c.want, &len),
            nullptr);
  EXPECT_EQ(len, 32u);
  c.sig.assign(c.want, c.want + 32);
  return c;
}

std::vector<Hs256Job> jobs_of(const std::vector<Case>& cases) {
  std::vector<Hs256Job> jobs;
  for (const Case& c : cases) jobs.push_back({c.key.get(), c.msg, c.sig.data()});
  return jobs;
}

// Restores the kernel chosen at start after each test.
class Hs256Batch : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    saved_ = std::string(active_hs256_kernel());
    ASSERT_TRUE(force_hs256_kernel(GetParam()));
    ASSERT_EQ(active_hs256_kernel(), GetParam());
  }
  void TearDown() override { force_hs256_kernel(saved_); }
  std::string saved_;
};

std::vector<std::string> kernels() {
  std::vector<std::string> v;
  for (std::string_view k : available_hs256_kernels()) v.emplace_back(k);
  return v;
}

INSTANTIATE_TEST_SUITE_P(Kernels, Hs256Batch, testing::ValuesIn(kernels()),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

// Every lane's tag equals HMAC()'s, and the verdicts equal crypto::verify's.
void expect_all_lanes(const std::vector<Case>& cases) {
  const std::vector<Hs256Job> jobs = jobs_of(cases);
  std::vector<std::array<uint8_t, 32>> tags(jobs.size());
  hs256_tags(jobs, tags);
  std::vector<Status> got(jobs.size(), Status::internal_error);
  verify_hs256_batch(jobs, got);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("lane " + std::to_string(i) + " of " + std::to_string(cases.size()) +
                 ", message length " + std::to_string(cases[i].msg.size()));
    EXPECT_EQ(Bytes(tags[i].begin(), tags[i].end()), Bytes(cases[i].want, cases[i].want + 32));
    EXPECT_EQ(got[i], verify(*cases[i].key, Alg::HS256, cases[i].msg, cases[i].sig));
  }
}

Bytes hex(std::string_view s) {
  Bytes out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(s.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// Every Wycheproof HMAC-SHA256 test, all in one batch, so lanes pair
// different keys and lengths; jve's weak-key rule does not apply here (the
// kernel is below it), so every key is used. The Wycheproof tag is checked
// too where it is the full 32 bytes.
TEST_P(Hs256Batch, MatchesHmacOnWycheproof) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.load(std::string(JVE_TESTDATA_DIR) + "/wycheproof/hmac_sha256_test.json").get(doc),
            simdjson::SUCCESS);
  std::vector<Case> cases;
  std::vector<std::string> results;
  for (simdjson::dom::element group : doc["testGroups"].get_array()) {
    for (simdjson::dom::element t : group["tests"].get_array()) {
      const Bytes msg = hex(std::string_view(t["msg"]));
      Case c = make_case(hex(std::string_view(t["key"])),
                         std::string(msg.begin(), msg.end()));
      const Bytes tag = hex(std::string_view(t["tag"]));
      if (tag.size() == 32) {
        const bool valid = std::string_view(t["result"]) == "valid";
        EXPECT_EQ(valid, Bytes(c.want, c.want + 32) == tag) << "BoringSSL disagrees with Wycheproof";
        c.sig = tag;  // the vector's own tag: valid ones verify, invalid ones do not
      }
      cases.push_back(std::move(c));
    }
  }
  ASSERT_GT(cases.size(), 100u);
  expect_all_lanes(cases);
  // And each case alone (the single-lane kernel).
  for (size_t i = 0; i < 20; ++i) {
    std::vector<Case> one;
    one.push_back(make_case({1, 2, 3}, cases[i].msg));
    expect_all_lanes(one);
  }
}

// Message lengths across the padding edges (55/56/63/64 bytes of tail) in
// both lanes, paired with every other length, and keys shorter than, equal
// to and longer than the block.
TEST_P(Hs256Batch, MatchesHmacOnEveryLengthPair) {
  std::mt19937 rng(15);
  auto bytes = [&](size_t n) {
    std::string s(n, '\0');
    for (char& ch : s) ch = static_cast<char>(rng());
    return s;
  };
  const size_t key_lens[] = {0, 1, 32, 63, 64, 65, 200};
  std::vector<Case> cases;
  for (size_t len = 0; len <= 200; ++len) {
    const std::string k = bytes(key_lens[len % std::size(key_lens)]);
    cases.push_back(make_case(Bytes(k.begin(), k.end()), bytes(len)));
  }
  expect_all_lanes(cases);
  // Shuffled, so each length meets others than its neighbours; odd count.
  std::shuffle(cases.begin(), cases.end(), rng);
  cases.pop_back();
  expect_all_lanes(cases);
}

TEST_P(Hs256Batch, RandomBatches) {
  std::mt19937 rng(1515);
  for (int round = 0; round < 200; ++round) {
    std::vector<Case> cases;
    const size_t n = rng() % 9;  // 0..8 jobs, odd and even
    for (size_t i = 0; i < n; ++i) {
      std::string msg(rng() % 1100, '\0');
      for (char& ch : msg) ch = static_cast<char>(rng());
      Bytes key(rng() % 130);
      for (uint8_t& b : key) b = static_cast<uint8_t>(rng());
      Case c = make_case(key, std::move(msg));
      if (rng() % 3 == 0) c.sig[rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
      cases.push_back(std::move(c));
    }
    expect_all_lanes(cases);
  }
}

// Every single bit flip of either lane's tag is caught, in that lane only.
TEST_P(Hs256Batch, EachLaneRejectsItsOwnBitFlips) {
  std::vector<Case> cases;
  cases.push_back(make_case(Bytes(32, 7), "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0"));
  cases.push_back(make_case(Bytes(40, 9), std::string(300, 'x')));
  for (size_t lane = 0; lane < 2; ++lane) {
    for (size_t bit = 0; bit < 256; ++bit) {
      cases[lane].sig[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      std::vector<Status> got(2);
      verify_hs256_batch(jobs_of(cases), got);
      EXPECT_EQ(got[lane], Status::bad_signature) << "bit " << bit;
      EXPECT_EQ(got[1 - lane], Status::ok) << "bit " << bit;
      cases[lane].sig[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    }
  }
}

TEST_P(Hs256Batch, RefusesAKeyOfAnotherFamily) {
  std::vector<Case> cases;
  cases.push_back(make_case(Bytes(32, 1), "a.b"));
  cases.push_back(make_case(Bytes(32, 2), "c.d"));
  cases.push_back(make_case(Bytes(32, 3), "e.f"));
  cases[1].key->family = Family::ed25519;  // as if the caller picked the wrong key
  std::vector<Status> got(3);
  verify_hs256_batch(jobs_of(cases), got);
  EXPECT_EQ(got[0], Status::ok);
  EXPECT_EQ(got[1], Status::internal_error);
  EXPECT_EQ(got[2], Status::ok);
}

TEST(Hs256BatchKernels, ForcingAnUnknownNameChangesNothing) {
  const std::string before(active_hs256_kernel());
  EXPECT_FALSE(force_hs256_kernel("sha_ni_x9"));
  EXPECT_EQ(active_hs256_kernel(), before);
  const std::vector<std::string> k = kernels();
  EXPECT_EQ(k.back(), "boringssl");  // always there, always last
}

}  // namespace
}  // namespace jve::crypto
