// Wycheproof vectors (C2SP/wycheproof, Apache-2.0; see
// tests/data/wycheproof/README.md) through jve's own loaders and
// crypto::verify, the prepared-key path tokens take.
//
// Decisions:
// - Keys are loaded through jve (PEM and, when the group has one, the JWK;
//   both must give the same answer on every test).
// - "acceptable" appears only in the RSA PKCS#1 files, flag MissingNull (a
//   DigestInfo without the NULL parameter). RFC 8017 §9.2 encodes the NULL,
//   and a JWS verifier gains nothing from tolerating two encodings, so jve
//   rejects it; the test asserts the rejection.
// - HMAC: JWS always uses the full tag (RFC 7518 §3.2), so every truncated-
//   tag test must be rejected, whatever its Wycheproof result; and keys
//   shorter than the hash output must be refused at load (weak_key), so the
//   tests of such groups never reach verify. Both are counted and printed.
// - RSA: jve runs the public-key operation and the padding checks itself
//   (engine/crypto/src/verify.cc), so every RS*/PS* vector is also put to
//   BoringSSL's RSA_verify / RSA_verify_pss_mgf1, whose verdict must be
//   jve's, and jve must leave BoringSSL's error queue empty.
#include <gtest/gtest.h>

#include "test_printers.h"
#include <simdjson.h>
#include <openssl/digest.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "crypto/key_material.h"
#include "crypto/verify.h"
#include "keys/key_access.h"
#include "jve/key_set.h"

namespace jve {
namespace {

using Bytes = std::vector<uint8_t>;

const std::string kDir = std::string(JVE_TESTDATA_DIR) + "/wycheproof/";

struct VectorFile {
  const char* name;
  Alg alg;
};
void PrintTo(const VectorFile& f, std::ostream* os) { *os << f.name; }

// Every file shipped in tests/data/wycheproof (AllFilesAreListed checks).
const VectorFile kFiles[] = {
    {"ecdsa_secp256r1_sha256_p1363_test.json", Alg::ES256},
    {"ecdsa_secp384r1_sha384_p1363_test.json", Alg::ES384},
    {"ecdsa_secp521r1_sha512_p1363_test.json", Alg::ES512},
    {"ed25519_test.json", Alg::EdDSA},
    {"hmac_sha256_test.json", Alg::HS256},
    {"hmac_sha384_test.json", Alg::HS384},
    {"hmac_sha512_test.json", Alg::HS512},
    {"rsa_signature_2048_sha256_test.json", Alg::RS256},
    {"rsa_signature_2048_sha384_test.json", Alg::RS384},
    {"rsa_signature_2048_sha512_test.json", Alg::RS512},
    {"rsa_signature_3072_sha256_test.json", Alg::RS256},
    {"rsa_signature_3072_sha384_test.json", Alg::RS384},
    {"rsa_signature_3072_sha512_test.json", Alg::RS512},
    {"rsa_signature_4096_sha256_test.json", Alg::RS256},
    {"rsa_signature_4096_sha384_test.json", Alg::RS384},
    {"rsa_signature_4096_sha512_test.json", Alg::RS512},
    {"rsa_pss_2048_sha256_mgf1_32_test.json", Alg::PS256},
    {"rsa_pss_2048_sha384_mgf1_48_test.json", Alg::PS384},
    {"rsa_pss_3072_sha256_mgf1_32_test.json", Alg::PS256},
    {"rsa_pss_4096_sha256_mgf1_32_test.json", Alg::PS256},
    {"rsa_pss_4096_sha384_mgf1_48_test.json", Alg::PS384},
    {"rsa_pss_4096_sha512_mgf1_64_test.json", Alg::PS512},
};

Bytes hex(std::string_view s) {
  Bytes out;
  EXPECT_EQ(s.size() % 2, 0u) << s;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    ADD_FAILURE() << "bad hex digit " << c;
    return 0;
  };
  for (size_t i = 0; i + 1 < s.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nibble(s[i]) << 4 | nibble(s[i + 1])));
  }
  return out;
}

std::string_view str(simdjson::dom::element e, std::string_view key) {
  std::string_view out;
  if (e[key].get_string().get(out) != simdjson::SUCCESS) return {};
  return out;
}

bool is_hmac(Alg a) { return a == Alg::HS256 || a == Alg::HS384 || a == Alg::HS512; }

size_t hash_len(Alg a) {
  switch (a) {
    case Alg::HS256: return 32;
    case Alg::HS384: return 48;
    default: return 64;
  }
}

bool is_rsa(Alg a) { return crypto::family_of(a) == crypto::Family::rsa; }

// boringssl_rsa_accepts is BoringSSL's own verdict on an RS*/PS* signature,
// the one jve's verify used to call: PSS with MGF1 on the same hash and a
// salt of the hash length (RFC 7518 §3.5).
bool boringssl_rsa_accepts(RSA* rsa, Alg alg, const Bytes& msg, const Bytes& sig) {
  const EVP_MD* md = nullptr;
  switch (alg) {
    case Alg::RS256: case Alg::PS256: md = EVP_sha256(); break;
    case Alg::RS384: case Alg::PS384: md = EVP_sha384(); break;
    default: md = EVP_sha512(); break;
  }
  uint8_t h[EVP_MAX_MD_SIZE];
  unsigned h_len = 0;
  EXPECT_TRUE(EVP_Digest(msg.data(), msg.size(), h, &h_len, md, nullptr));
  const bool pkcs1 = alg == Alg::RS256 || alg == Alg::RS384 || alg == Alg::RS512;
  const int ok = pkcs1 ? RSA_verify(EVP_MD_type(md), h, h_len, sig.data(), sig.size(), rsa)
                       : RSA_verify_pss_mgf1(rsa, h, h_len, md, md, static_cast<int>(h_len),
                                             sig.data(), sig.size());
  ERR_clear_error();
  return ok == 1;
}

struct Counts {
  int valid_ok = 0;             // "valid", verified
  int invalid_rejected = 0;     // "invalid", rejected
  int acceptable_rejected = 0;  // "acceptable", rejected (jve's choice)
  int truncated_rejected = 0;   // HMAC tag shorter than the hash: rejected
  int weak_key_tests = 0;       // HMAC tests whose key jve refuses (weak_key)
  int weak_key_groups = 0;
  int jwk_cross_checked = 0;    // tests also run with the group's JWK
  int boringssl_cross_checked = 0;  // RSA tests whose verdict BoringSSL's matched
};

class Wycheproof : public testing::TestWithParam<VectorFile> {};

std::string file_param_name(const testing::TestParamInfo<VectorFile>& p) {
  std::string n = p.param.name;
  n = n.substr(0, n.find("_test.json"));
  for (char& c : n) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Files, Wycheproof, testing::ValuesIn(kFiles), file_param_name);

TEST_P(Wycheproof, VerifiesEveryVector) {
  const VectorFile& file = GetParam();
  const Alg alg = file.alg;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.load(kDir + file.name).get(doc), simdjson::SUCCESS) << file.name;
  simdjson::dom::array groups;
  ASSERT_EQ(doc["testGroups"].get_array().get(groups), simdjson::SUCCESS);

  Counts c;
  int total = 0;
  for (simdjson::dom::element group : groups) {
    simdjson::dom::array tests;
    ASSERT_EQ(group["tests"].get_array().get(tests), simdjson::SUCCESS);

    std::shared_ptr<const Key> key, jwk_key;
    if (is_hmac(alg)) {
      // The key is per test in the MAC files; loaded below.
    } else {
      // Pinned to the file's alg, as a deployment that knows its issuer
      // would pin it.
      std::string why;
      auto r = Key::from_pem(str(group, "publicKeyPem"), KeyOptions{std::nullopt, alg}, &why);
      ASSERT_TRUE(r.ok()) << file.name << ": " << to_string(r.status()) << ": " << why;
      key = *r;
      simdjson::dom::element jwk;
      if (group["publicKeyJwk"].get(jwk) == simdjson::SUCCESS ||
          group["keyJwk"].get(jwk) == simdjson::SUCCESS) {
        auto j = Key::from_jwk(simdjson::to_string(jwk), &why);
        ASSERT_TRUE(j.ok()) << file.name << ": JWK: " << to_string(j.status()) << ": " << why;
        EXPECT_TRUE((*j)->fits(alg));
        jwk_key = *j;
      }
    }

    for (simdjson::dom::element t : tests) {
      ++total;
      int64_t tc_id = 0;
      EXPECT_EQ(t["tcId"].get_int64().get(tc_id), simdjson::SUCCESS);
      const std::string_view result = str(t, "result");
      const Bytes msg = hex(str(t, "msg"));
      const std::string_view input(reinterpret_cast<const char*>(msg.data()), msg.size());
      const Bytes sig = hex(is_hmac(alg) ? str(t, "tag") : str(t, "sig"));
      SCOPED_TRACE(std::string(file.name) + " tcId " + std::to_string(tc_id) + " (" +
                   std::string(result) + ")");

      if (is_hmac(alg)) {
        const Bytes secret = hex(str(t, "key"));
        auto r = Key::from_secret(secret, KeyOptions{std::nullopt, alg});
        if (!r.ok()) {
          // RFC 7518 §3.2: a key shorter than the hash is refused at load.
          EXPECT_EQ(r.status(), Status::weak_key);
          EXPECT_LT(secret.size(), hash_len(alg));
          ++c.weak_key_tests;
          continue;
        }
        EXPECT_GE(secret.size(), hash_len(alg));
        key = *r;
      }

      ERR_clear_error();
      const Status s = crypto::verify(jve::keys::material(*key), alg, input, sig);
      if (is_rsa(alg)) {
        EXPECT_EQ(ERR_peek_error(), 0u) << "verify left an error on BoringSSL's queue";
        const bool boringssl = boringssl_rsa_accepts(jve::keys::material(*key).rsa.get(), alg, msg, sig);
        EXPECT_EQ(s == Status::ok, boringssl) << "BoringSSL's RSA verify disagrees";
        c.boringssl_cross_checked += (s == Status::ok) == boringssl;
      }
      if (jwk_key) {
        EXPECT_EQ(crypto::verify(jve::keys::material(*jwk_key), alg, input, sig), s) << "JWK and PEM keys disagree";
        ++c.jwk_cross_checked;
      }
      if (is_hmac(alg) && sig.size() < hash_len(alg)) {
        // Truncated tag: fine for a raw MAC API, never a JWS signature.
        EXPECT_EQ(s, Status::bad_signature);
        ++c.truncated_rejected;
      } else if (result == "valid") {
        EXPECT_EQ(s, Status::ok);
        c.valid_ok += s == Status::ok;
      } else if (result == "invalid") {
        EXPECT_EQ(s, Status::bad_signature);
        c.invalid_rejected += s == Status::bad_signature;
      } else {
        ASSERT_EQ(result, "acceptable");
        EXPECT_EQ(s, Status::bad_signature);  // see the file comment
        c.acceptable_rejected += s == Status::bad_signature;
      }
    }
    if (is_hmac(alg)) {
      int64_t key_bits = 0;
      EXPECT_EQ(group["keySize"].get_int64().get(key_bits), simdjson::SUCCESS);
      if (static_cast<size_t>(key_bits / 8) < hash_len(alg)) {
        ++c.weak_key_groups;
      }
    }
  }

  int64_t declared = 0;
  ASSERT_EQ(doc["numberOfTests"].get_int64().get(declared), simdjson::SUCCESS);
  EXPECT_EQ(total, declared);
  EXPECT_EQ(c.valid_ok + c.invalid_rejected + c.acceptable_rejected + c.truncated_rejected +
                c.weak_key_tests,
            total)
      << "some vector had an unexpected outcome";
  std::printf(
      "[wycheproof] %-42s %-5s tests=%d valid_ok=%d invalid_rejected=%d "
      "acceptable_rejected=%d truncated_tag_rejected=%d weak_key_refused=%d (groups=%d) "
      "jwk_cross_checked=%d boringssl_cross_checked=%d\n",
      file.name, std::string(alg_name(alg)).c_str(), total, c.valid_ok, c.invalid_rejected,
      c.acceptable_rejected, c.truncated_rejected, c.weak_key_tests, c.weak_key_groups,
      c.jwk_cross_checked, c.boringssl_cross_checked);
  if (is_rsa(alg)) {
    EXPECT_EQ(c.boringssl_cross_checked, total);
  }
}

TEST(Wycheproof, AllFilesAreListed) {
  std::set<std::string> listed;
  for (const VectorFile& f : kFiles) listed.insert(f.name);
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    ++seen;
    EXPECT_TRUE(listed.count(name)) << name << " is in tests/data/wycheproof but not run";
  }
  EXPECT_EQ(seen, listed.size());
}

}  // namespace
}  // namespace jve
