// bench_verify.cc: the verify path against the raw BoringSSL primitives.
//
//   BM_Verify/<ALG>     Verifier::verify on a realistic token (header alg,
//                       typ, kid; ~350-byte payload; RSA 2048)
//   BM_Primitive/<ALG>  only the BoringSSL work a perfect engine would do for
//                       the same token: hashing plus HMAC from precomputed
//                       pad states, RSA_verify, RSA_verify_pss_mgf1,
//                       ECDSA_do_verify (r and s from bytes), ED25519_verify.
//                       BM_Verify / BM_Primitive is jve's overhead.
//   BM_Reject/<reason>  how fast bad tokens are turned away.
//   BM_Verify/<ALG>/large      the same with a 4 KiB payload.
//   BM_Verify/<ALG>/threads:2  two threads, one Scratch each, one Verifier;
//                       scaling is tokens_per_s_wall over BM_Verify/<ALG>.
//   BM_Verify/<ALG>/cold       Key::from_jwk on every token, then verify:
//                       what the prepared-key cache buys.
//   BM_VerifyBatch/HS256/<n>   Verifier::verify_batch on n distinct realistic
//                       tokens (one Scratch each); items/s is tokens/s, to
//                       set against BM_Primitive/HS256 and BM_Verify/HS256.
//                       /<kernel> forces an HS256 kernel (boringssl: what a
//                       CPU without SHA-NI runs).
//   BM_PrimitiveBatch/HS256/<n>  only the HMAC checks of those n tokens,
//                       crypto::verify_hs256_batch: the kernel's gain over
//                       BM_Primitive/HS256 without the rest of the path.
//
// Keys, tokens, verifiers and Scratch are built before the timed loop and
// each benchmark runs its case once first, skipping with an error when the
// result is not the expected Status.
#define JVE_BENCH_DEFINE_COUNTING_NEW
#include "bench_util.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/curve25519.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "crypto/hs256_batch.h"
#include "jve/jve.hpp"
#include "keys/key_access.h"
#include "testkit.h"

namespace jve::bench {
namespace {

// BM_Verify/<ALG> and BM_Verify/<ALG>/threads:2: the realistic token.
void BM_Verify(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  run_verify(state, *f.verifier, f.token);
}

// BM_Verify/<ALG>/large: the same header and claims, padded to a
// kLargePayloadBytes payload (about 5.5 KiB of token).
void BM_VerifyLarge(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  run_verify(state, *f.verifier, f.large_token);
}

// BM_Verify/<ALG>/cold: what a library without a prepared-key cache does on
// every token: parse the public JWK (Key::from_jwk validates and prepares it:
// HMAC pad states, RSA key, EC point on its curve), put it in a one-key
// KeySet published through the verifier's KeyStore, then verify. The
// difference to BM_Verify/<ALG> is what preparing keys once buys.
void BM_VerifyCold(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  const std::string jwk = f.key.public_jwk();
  auto store = std::make_shared<KeyStore>();
  const Verifier verifier(bench_policy(), store);
  Scratch scratch;
  Claims claims;
  auto verify_cold = [&](std::string_view jwk_text, std::string_view token) -> Status {
    Result<std::shared_ptr<const Key>> key = Key::from_jwk(jwk_text);
    if (!key.ok()) return key.status();
    std::vector<std::shared_ptr<const Key>> keys;
    keys.push_back(std::move(*key));
    store->replace(std::make_shared<const KeySet>(std::move(keys)));
    return verifier.verify(token, scratch, claims);
  };
  Status first = verify_cold(jwk, f.token);
  if (first != Status::ok) {
    state.SkipWithError(("cold verify: " + std::string(to_string(first))).c_str());
    return;
  }
  set_kernel_label(state);
  std::string_view jwk_text = jwk;
  std::string_view token = f.token;
  size_t failures = 0;
  const uint64_t allocs_before = thread_new_calls();
  for (auto _ : state) {
    benchmark::DoNotOptimize(jwk_text);
    benchmark::DoNotOptimize(token);
    Status s = verify_cold(jwk_text, token);
    benchmark::DoNotOptimize(s);
    failures += s != Status::ok;
    benchmark::DoNotOptimize(claims);
  }
  set_alloc_counter(state, allocs_before);
  if (failures != 0) state.SkipWithError("cold verify failed inside the loop");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * token.size()));
}

// BM_VerifyBatch/<ALG>/<n>[/<kernel>]: |n| tokens differing in their iat
// and exp, verified with one verify_batch call per iteration.
void BM_VerifyBatch(benchmark::State& state, Alg alg, size_t n, std::string kernel) {
  const AlgFixture& f = fixture(alg);
  const std::string saved(crypto::active_hs256_kernel());
  if (!kernel.empty() && !crypto::force_hs256_kernel(kernel)) {
    state.SkipWithError(("HS256 kernel not available: " + kernel).c_str());
    return;
  }
  std::vector<std::string> tokens;
  const std::string header = testkit::header_json(alg, f.key.kid);
  for (size_t i = 0; i < n; ++i) tokens.push_back(testkit::sign(f.key, header, testkit::realistic_payload(kNow - static_cast<int64_t>(i))));
  std::vector<std::string_view> views(tokens.begin(), tokens.end());
  std::vector<Scratch> scratches(n);
  std::vector<Status> statuses(n);
  std::vector<Claims> claims(n);
  f.verifier->verify_batch(views, scratches, statuses, claims);
  for (Status s : statuses) {
    if (s != Status::ok) {
      crypto::force_hs256_kernel(saved);
      state.SkipWithError(("verify_batch: " + std::string(to_string(s))).c_str());
      return;
    }
  }
  state.SetLabel(std::string("base64=") + base64url::active_kernel().name +
                 " hs256=" + std::string(crypto::active_hs256_kernel()));
  size_t failures = 0;
  const uint64_t allocs_before = thread_new_calls();
  for (auto _ : state) {
    f.verifier->verify_batch(views, scratches, statuses, claims);
    for (Status s : statuses) failures += s != Status::ok;
    benchmark::DoNotOptimize(claims.data());
  }
  set_alloc_counter(state, allocs_before);
  crypto::force_hs256_kernel(saved);
  if (failures != 0) state.SkipWithError("verify_batch failed inside the loop");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

void BM_PrimitiveBatch(benchmark::State& state, size_t n) {
  const AlgFixture& f = fixture(Alg::HS256);
  auto key = Key::from_secret(f.key.secret(), KeyOptions{std::nullopt, Alg::HS256});
  if (!key.ok()) {
    state.SkipWithError("Key::from_secret");
    return;
  }
  std::vector<std::string> tokens;
  std::vector<std::vector<uint8_t>> sigs;
  const std::string header = testkit::header_json(Alg::HS256, f.key.kid);
  for (size_t i = 0; i < n; ++i) {
    tokens.push_back(testkit::sign(f.key, header, testkit::realistic_payload(kNow - static_cast<int64_t>(i))));
    std::string_view t = tokens.back();
    sigs.emplace_back(32);
    size_t len = 0;
    if (base64url::decode(t.substr(t.rfind('.') + 1), sigs.back().data(), &len) != Status::ok) {
      state.SkipWithError("signature segment");
      return;
    }
  }
  std::vector<crypto::Hs256Job> jobs;
  for (size_t i = 0; i < n; ++i) {
    std::string_view t = tokens[i];
    jobs.push_back({&keys::material(**key), t.substr(0, t.rfind('.')), sigs[i].data()});
  }
  std::vector<Status> out(n);
  size_t failures = 0;
  for (auto _ : state) {
    crypto::verify_hs256_batch(jobs, out);
    for (Status s : out) failures += s != Status::ok;
  }
  if (failures != 0) state.SkipWithError("HMAC batch rejects a token");
  state.SetLabel("hs256=" + std::string(crypto::active_hs256_kernel()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

// --- BM_Primitive -----------------------------------------------------------

// The parts of a token a primitive needs: the signed bytes and the raw
// signature.
struct SignedParts {
  std::string_view input;  // "header.payload"
  std::vector<uint8_t> sig;
};

SignedParts split(const std::string& token) {
  SignedParts p;
  const size_t dot = token.rfind('.');
  p.input = std::string_view(token).substr(0, dot);
  p.sig.resize(base64url::decoded_max_len(token.size() - dot - 1));
  size_t len = 0;
  if (base64url::decode(std::string_view(token).substr(dot + 1), p.sig.data(), &len) != Status::ok) {
    throw std::runtime_error("bad signature segment");
  }
  p.sig.resize(len);
  return p;
}

// public_only re-parses the public half of |pkey| from its SPKI, so the
// primitive runs on a public key exactly as a verifier holds it.
bssl::UniquePtr<EVP_PKEY> public_only(EVP_PKEY* pkey) {
  bssl::ScopedCBB cbb;
  uint8_t* der = nullptr;
  size_t der_len = 0;
  if (!CBB_init(cbb.get(), 512) || !EVP_marshal_public_key(cbb.get(), pkey) ||
      !CBB_finish(cbb.get(), &der, &der_len)) {
    throw std::runtime_error("EVP_marshal_public_key");
  }
  bssl::UniquePtr<uint8_t> owned(der);
  CBS cbs;
  CBS_init(&cbs, der, der_len);
  bssl::UniquePtr<EVP_PKEY> out(EVP_parse_public_key(&cbs));
  if (!out) throw std::runtime_error("EVP_parse_public_key");
  return out;
}

// Low-level SHA-2 contexts, so HMAC can start from copies of precomputed
// inner and outer pad states (what a prepared HMAC key holds) with no EVP
// indirection and no allocation.
struct Sha256 {
  using Ctx = SHA256_CTX;
  static constexpr size_t kLen = SHA256_DIGEST_LENGTH, kBlock = 64;
  static void init(Ctx* c) { SHA256_Init(c); }
  static void update(Ctx* c, const void* d, size_t n) { SHA256_Update(c, d, n); }
  static void final(uint8_t* out, Ctx* c) { SHA256_Final(out, c); }
};
struct Sha384 {
  using Ctx = SHA512_CTX;
  static constexpr size_t kLen = SHA384_DIGEST_LENGTH, kBlock = 128;
  static void init(Ctx* c) { SHA384_Init(c); }
  static void update(Ctx* c, const void* d, size_t n) { SHA384_Update(c, d, n); }
  static void final(uint8_t* out, Ctx* c) { SHA384_Final(out, c); }
};
struct Sha512 {
  using Ctx = SHA512_CTX;
  static constexpr size_t kLen = SHA512_DIGEST_LENGTH, kBlock = 128;
  static void init(Ctx* c) { SHA512_Init(c); }
  static void update(Ctx* c, const void* d, size_t n) { SHA512_Update(c, d, n); }
  static void final(uint8_t* out, Ctx* c) { SHA512_Final(out, c); }
};

template <class H>
struct HmacKey {
  typename H::Ctx inner, outer;  // states after absorbing key^ipad / key^opad
  explicit HmacKey(const std::vector<uint8_t>& secret) {
    uint8_t block[H::kBlock] = {};
    if (secret.size() > H::kBlock) {
      typename H::Ctx c;
      H::init(&c);
      H::update(&c, secret.data(), secret.size());
      H::final(block, &c);
    } else {
      std::copy(secret.begin(), secret.end(), block);
    }
    uint8_t pad[H::kBlock];
    for (size_t i = 0; i < H::kBlock; ++i) pad[i] = block[i] ^ 0x36;
    H::init(&inner);
    H::update(&inner, pad, H::kBlock);
    for (size_t i = 0; i < H::kBlock; ++i) pad[i] = block[i] ^ 0x5c;
    H::init(&outer);
    H::update(&outer, pad, H::kBlock);
  }
  bool verify(std::string_view input, const uint8_t* sig, size_t sig_len) const {
    uint8_t tag[H::kLen];
    typename H::Ctx c = inner;
    H::update(&c, input.data(), input.size());
    H::final(tag, &c);
    c = outer;
    H::update(&c, tag, H::kLen);
    H::final(tag, &c);
    return sig_len == H::kLen && CRYPTO_memcmp(tag, sig, H::kLen) == 0;
  }
};

template <class H>
void run_hmac(benchmark::State& state, const AlgFixture& f, const SignedParts& p) {
  const HmacKey<H> key(f.key.secret());
  if (!key.verify(p.input, p.sig.data(), p.sig.size())) {
    state.SkipWithError("HMAC primitive rejects the token");
    return;
  }
  std::string_view input = p.input;
  for (auto _ : state) {
    benchmark::DoNotOptimize(input);
    bool ok = key.verify(input, p.sig.data(), p.sig.size());
    benchmark::DoNotOptimize(ok);
  }
}

// digest_of hashes |in| with the SHA-2 function of |nid| into |out|.
size_t digest_of(int nid, std::string_view in, uint8_t* out) {
  const auto* d = reinterpret_cast<const uint8_t*>(in.data());
  switch (nid) {
    case NID_sha256: SHA256(d, in.size(), out); return SHA256_DIGEST_LENGTH;
    case NID_sha384: SHA384(d, in.size(), out); return SHA384_DIGEST_LENGTH;
    default: SHA512(d, in.size(), out); return SHA512_DIGEST_LENGTH;
  }
}

int hash_nid(Alg alg) {
  switch (alg) {
    case Alg::HS256: case Alg::RS256: case Alg::PS256: case Alg::ES256: return NID_sha256;
    case Alg::HS384: case Alg::RS384: case Alg::PS384: case Alg::ES384: return NID_sha384;
    default: return NID_sha512;
  }
}

template <class Verify>
void run_primitive_loop(benchmark::State& state, std::string_view input, Verify&& verify) {
  if (!verify(input)) {
    ERR_clear_error();
    state.SkipWithError("primitive rejects the token");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(input);
    bool ok = verify(input);
    benchmark::DoNotOptimize(ok);
  }
}

void BM_Primitive(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  const SignedParts p = split(f.token);
  const int nid = hash_nid(alg);
  const EVP_MD* md = EVP_get_digestbynid(nid);
  switch (alg) {
    case Alg::HS256: run_hmac<Sha256>(state, f, p); break;
    case Alg::HS384: run_hmac<Sha384>(state, f, p); break;
    case Alg::HS512: run_hmac<Sha512>(state, f, p); break;
    case Alg::RS256: case Alg::RS384: case Alg::RS512: {
      bssl::UniquePtr<EVP_PKEY> pub = public_only(f.key.pkey());
      RSA* rsa = EVP_PKEY_get0_RSA(pub.get());
      run_primitive_loop(state, p.input, [&](std::string_view in) {
        uint8_t h[SHA512_DIGEST_LENGTH];
        size_t h_len = digest_of(nid, in, h);
        return RSA_verify(nid, h, h_len, p.sig.data(), p.sig.size(), rsa) == 1;
      });
      break;
    }
    case Alg::PS256: case Alg::PS384: case Alg::PS512: {
      bssl::UniquePtr<EVP_PKEY> pub = public_only(f.key.pkey());
      RSA* rsa = EVP_PKEY_get0_RSA(pub.get());
      run_primitive_loop(state, p.input, [&](std::string_view in) {
        uint8_t h[SHA512_DIGEST_LENGTH];
        size_t h_len = digest_of(nid, in, h);
        return RSA_verify_pss_mgf1(rsa, h, h_len, md, nullptr, -1, p.sig.data(), p.sig.size()) == 1;
      });
      break;
    }
    case Alg::ES256: case Alg::ES384: case Alg::ES512: {
      bssl::UniquePtr<EVP_PKEY> pub = public_only(f.key.pkey());
      const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pub.get());
      // The ECDSA_SIG and its BIGNUMs live outside the loop (a perfect engine
      // keeps them in per-thread scratch); BN_bin2bn reuses their storage.
      bssl::UniquePtr<ECDSA_SIG> esig(ECDSA_SIG_new());
      const size_t w = p.sig.size() / 2;
      run_primitive_loop(state, p.input, [&](std::string_view in) {
        uint8_t h[SHA512_DIGEST_LENGTH];
        size_t h_len = digest_of(nid, in, h);
        if (!BN_bin2bn(p.sig.data(), w, esig->r) || !BN_bin2bn(p.sig.data() + w, w, esig->s)) {
          return false;
        }
        return ECDSA_do_verify(h, h_len, esig.get(), ec) == 1;
      });
      break;
    }
    case Alg::EdDSA: {
      uint8_t pub[32];
      size_t pub_len = sizeof(pub);
      if (!EVP_PKEY_get_raw_public_key(f.key.pkey(), pub, &pub_len)) {
        state.SkipWithError("EVP_PKEY_get_raw_public_key");
        return;
      }
      run_primitive_loop(state, p.input, [&](std::string_view in) {
        return ED25519_verify(reinterpret_cast<const uint8_t*>(in.data()), in.size(),
                              p.sig.data(), pub) == 1;
      });
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.token.size()));
}

// --- BM_Reject --------------------------------------------------------------

enum class Reject { junk, bad_base64, unknown_kid, alg_not_allowed, expired, bad_signature_hs256,
                    bad_signature_es256 };

struct RejectCase {
  std::string token;
  std::unique_ptr<Verifier> own_verifier;  // set when the case needs its own policy
  const Verifier* verifier = nullptr;
  Status expected = Status::ok;
};

RejectCase make_reject_case(Reject r) {
  RejectCase c;
  const AlgFixture& hs = fixture(Alg::HS256);
  c.verifier = hs.verifier.get();
  switch (r) {
    case Reject::junk: {
      // No '.' at all: a flood of garbage should cost one scan.
      c.token = std::string(hs.token.size(), 'x');
      for (size_t i = 0; i < c.token.size(); i += 7) c.token[i] = 'Q';
      c.expected = Status::malformed;
      break;
    }
    case Reject::bad_base64:
      // '+' is standard base64, not base64url.
      c.token = hs.token;
      c.token[5] = '+';
      c.expected = Status::bad_base64;
      break;
    case Reject::unknown_kid:
      c.token = testkit::sign(hs.key, testkit::header_json(Alg::HS256, "rotated-away"),
                              testkit::realistic_payload(kNow));
      c.expected = Status::key_not_found;
      break;
    case Reject::alg_not_allowed: {
      Policy p = bench_policy();
      p.algorithms = AlgSet().add(Alg::ES256);
      c.own_verifier = make_verifier({&hs.key}, p);
      c.verifier = c.own_verifier.get();
      c.token = hs.token;
      c.expected = Status::alg_not_allowed;
      break;
    }
    case Reject::expired:
      c.token = testkit::sign(hs.key, testkit::header_json(Alg::HS256, hs.key.kid),
                              testkit::realistic_payload(kNow - 7200));
      c.expected = Status::expired;
      break;
    case Reject::bad_signature_hs256:
      c.token = tamper_char(hs.token, hs.token.rfind('.') + 5);
      c.expected = Status::bad_signature;
      break;
    case Reject::bad_signature_es256: {
      const AlgFixture& es = fixture(Alg::ES256);
      c.verifier = es.verifier.get();
      c.token = tamper_char(es.token, es.token.rfind('.') + 5);
      c.expected = Status::bad_signature;
      break;
    }
  }
  return c;
}

void BM_Reject(benchmark::State& state, Reject r) {
  const RejectCase c = make_reject_case(r);
  Scratch scratch;
  Claims claims;
  Status first = c.verifier->verify(c.token, scratch, claims);
  if (first != c.expected) {
    state.SkipWithError(("expected " + std::string(to_string(c.expected)) + ", got " +
                         std::string(to_string(first))).c_str());
    return;
  }
  set_kernel_label(state);
  std::string_view token = c.token;
  const uint64_t allocs_before = thread_new_calls();
  for (auto _ : state) {
    benchmark::DoNotOptimize(token);
    Status s = c.verifier->verify(token, scratch, claims);
    benchmark::DoNotOptimize(s);
  }
  set_alloc_counter(state, allocs_before);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * token.size()));
}

}  // namespace

BENCHMARK_CAPTURE(BM_Verify, HS256, Alg::HS256);
BENCHMARK_CAPTURE(BM_Verify, HS384, Alg::HS384);
BENCHMARK_CAPTURE(BM_Verify, HS512, Alg::HS512);
BENCHMARK_CAPTURE(BM_Verify, RS256, Alg::RS256);
BENCHMARK_CAPTURE(BM_Verify, RS384, Alg::RS384);
BENCHMARK_CAPTURE(BM_Verify, RS512, Alg::RS512);
BENCHMARK_CAPTURE(BM_Verify, PS256, Alg::PS256);
BENCHMARK_CAPTURE(BM_Verify, PS384, Alg::PS384);
BENCHMARK_CAPTURE(BM_Verify, PS512, Alg::PS512);
BENCHMARK_CAPTURE(BM_Verify, ES256, Alg::ES256);
BENCHMARK_CAPTURE(BM_Verify, ES384, Alg::ES384);
BENCHMARK_CAPTURE(BM_Verify, ES512, Alg::ES512);
BENCHMARK_CAPTURE(BM_Verify, EdDSA, Alg::EdDSA);

BENCHMARK_CAPTURE(BM_Primitive, HS256, Alg::HS256);
BENCHMARK_CAPTURE(BM_Primitive, HS384, Alg::HS384);
BENCHMARK_CAPTURE(BM_Primitive, HS512, Alg::HS512);
BENCHMARK_CAPTURE(BM_Primitive, RS256, Alg::RS256);
BENCHMARK_CAPTURE(BM_Primitive, RS384, Alg::RS384);
BENCHMARK_CAPTURE(BM_Primitive, RS512, Alg::RS512);
BENCHMARK_CAPTURE(BM_Primitive, PS256, Alg::PS256);
BENCHMARK_CAPTURE(BM_Primitive, PS384, Alg::PS384);
BENCHMARK_CAPTURE(BM_Primitive, PS512, Alg::PS512);
BENCHMARK_CAPTURE(BM_Primitive, ES256, Alg::ES256);
BENCHMARK_CAPTURE(BM_Primitive, ES384, Alg::ES384);
BENCHMARK_CAPTURE(BM_Primitive, ES512, Alg::ES512);
BENCHMARK_CAPTURE(BM_Primitive, EdDSA, Alg::EdDSA);

BENCHMARK_CAPTURE(BM_Reject, junk, Reject::junk);
BENCHMARK_CAPTURE(BM_Reject, bad_base64, Reject::bad_base64);
BENCHMARK_CAPTURE(BM_Reject, unknown_kid, Reject::unknown_kid);
BENCHMARK_CAPTURE(BM_Reject, alg_not_allowed, Reject::alg_not_allowed);
BENCHMARK_CAPTURE(BM_Reject, expired, Reject::expired);
BENCHMARK_CAPTURE(BM_Reject, bad_signature_HS256, Reject::bad_signature_hs256);
BENCHMARK_CAPTURE(BM_Reject, bad_signature_ES256, Reject::bad_signature_es256);

// BM_Verify/<ALG>/large, BM_Verify/<ALG>/threads:2, BM_Verify/<ALG>/cold.
// Registered by name so they read as variants of BM_Verify/<ALG>.
[[maybe_unused]] const bool kVariantsRegistered = [] {
  const std::vector<Alg> algs = testkit::all_algs();
  for (Alg a : algs) {
    const std::string name = "BM_Verify/" + std::string(alg_name(a));
    benchmark::RegisterBenchmark((name + "/large").c_str(), BM_VerifyLarge, a);
  }
  // threads:2, and threads:<cores> on a machine with more than two cores.
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  for (Alg a : algs) {
    const std::string name = "BM_Verify/" + std::string(alg_name(a));
    benchmark::internal::Benchmark* b = benchmark::RegisterBenchmark(name.c_str(), BM_Verify, a)->Threads(2);
    if (cores > 2) b->Threads(cores);
  }
  for (Alg a : algs) {
    const std::string name = "BM_Verify/" + std::string(alg_name(a));
    benchmark::RegisterBenchmark((name + "/cold").c_str(), BM_VerifyCold, a);
  }
  for (size_t n : {1, 4, 16, 64}) {
    const std::string name = "BM_VerifyBatch/HS256/" + std::to_string(n);
    benchmark::RegisterBenchmark(name.c_str(), BM_VerifyBatch, Alg::HS256, n, std::string());
    for (const char* kernel : {"sha_ni_x2", "boringssl"}) {
      benchmark::RegisterBenchmark((name + "/" + kernel).c_str(), BM_VerifyBatch, Alg::HS256, n,
                                   std::string(kernel));
    }
    benchmark::RegisterBenchmark(("BM_PrimitiveBatch/HS256/" + std::to_string(n)).c_str(),
                                 BM_PrimitiveBatch, n);
  }
  return true;
}();

}  // namespace jve::bench
