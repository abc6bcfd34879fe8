// The C API (jve/jve.h) with hostile arguments, the way a C host can call
// it: NULL handles and out-pointers, NULL strings in policy arrays, wrong
// struct sizes, every policy field from the fuzzer's bytes (extreme limits,
// unknown algorithm bits), JWKS texts that are fuzzed or the fixture's keys,
// key replacement, a store freed while its verifier lives, why-buffers of
// every size and tokens in exact-size heap buffers, so that ASan sees any
// read or write past what the caller handed over.
//
// Invariants: every status is a jve_status with a name; a refusal leaves
// out-pointers NULL and writes a NUL-terminated, non-empty why within
// why_size; the store's verdict and key counts equal the C++ key sources'
// (jve::parse_usable_jwks); jve_verifier_new refuses exactly what
// jve::validate refuses plus the C-only argument errors; jve_verify returns
// exactly the C++ Verifier's status for the same policy, keys and token,
// and, for the fixture's keys, the same verdict as the reference verifier
// (tests/reference) — so a C verify is ok only when the reference says so;
// every claims accessor returns what jve::Claims holds, and 0 / absent for
// NULL arguments and failed verifies. Leaks are libFuzzer's to find.
//
// Input layout (FuzzedDataProvider; integers from the back, in this order):
//   u8 mode: bits 0-1 the JWKS (0-2: the fixture's key set, 3: fuzzed text
//     S1), bit 2 the token is signed by the harness (else raw), bit 3
//     replace the keys with fuzzed text S2, bit 4 free the store before
//     verifying, bit 5 one hostile argument (next byte), bit 6 wrap the
//     header as {"alg":"<alg>",<header>}, bit 7 fuzz the policy (else
//     defaults and the fixed clock);
//   [u8 hostile, when bit 5]; u16 why_size in [0, 300];
//   [u8 algorithm slot, when bit 2]; [policy fields, when bit 7: see
//   read_policy];
// strings from the front, in this order: [S1], [S2], a claim name to query,
// [the header, when bit 2], then the rest: the payload (bit 2) or the token.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jve/jve.h"
#include "jve/key_source.h"
#include "signed_fixture.h"

namespace {

using jve_fuzz::SignAlg;

// RSA signing costs ~100x an Ed25519 signature under ASan: one slot each of 16.
constexpr SignAlg kAlgBySlot[16] = {
    SignAlg::hs256, SignAlg::hs384, SignAlg::hs512, SignAlg::es256, SignAlg::eddsa, SignAlg::eddsa,
    SignAlg::rs256, SignAlg::ps256, SignAlg::hs256, SignAlg::es256, SignAlg::eddsa, SignAlg::hs256,
    SignAlg::es256, SignAlg::eddsa, SignAlg::hs512, SignAlg::eddsa};
constexpr int64_t kNow = 1'700'000'000;

// The hostile argument of a run (mode bit 5).
enum Hostile : uint8_t {
  kJwksNull, kStoreOutNull, kVerifierOutNull, kPolicyNull, kStoreNull, kVerifierNull,
  kScratchNull, kTokenNullEmpty, kTokenNullLong, kStructSize, kIssuersNull, kAudienceEntryNull,
  kWhyNull, kClaimsOutNull, kNumHostile
};

[[noreturn]] void fail(const char* what, int status = -1) {
  std::fprintf(stderr, "\nC API INVARIANT: %s (status %d: %s)\n", what, status,
               status < 0 ? "-" : jve_status_name(static_cast<jve_status>(status)));
  std::abort();
}

void check_status(jve_status s) {
  const bool shared = static_cast<int>(s) >= 0 && s < JVE_STATUS_COUNT;
  if (!shared && s != JVE_STATUS_INVALID_ARGUMENT && s != JVE_STATUS_OUT_OF_MEMORY)
    fail("a status outside jve_status", s);
  if (std::strcmp(jve_status_name(s), "unknown") == 0) fail("a status without a name", s);
}

// A heap buffer of exactly |size| bytes for |why|, so that ASan catches a
// write past it; filled so that a missing NUL shows.
struct WhyBuffer {
  explicit WhyBuffer(size_t n) : size(n), data(new char[n]) { std::memset(data.get(), 'X', n); }
  size_t size;
  std::unique_ptr<char[]> data;
  // On a refusal the sentence must be there, NUL-terminated within size.
  void check(bool refused) const {
    if (size == 0) return;
    const void* nul = std::memchr(data.get(), '\0', size);
    if (nul == nullptr) fail("why is not NUL-terminated within why_size");
    if (refused && size > 1 && data[0] == '\0') fail("a refusal with an empty why");
  }
};

// An exact-size copy of |s| (never NUL-terminated), as a C host may pass.
std::unique_ptr<char[]> exact_copy(std::string_view s) {
  std::unique_ptr<char[]> p(new char[s.size() == 0 ? 1 : s.size()]);
  if (!s.empty()) std::memcpy(p.get(), s.data(), s.size());
  return p;
}

constexpr const char* kVocabulary[] = {"https://issuer.example", "api", "web", "", "exp", "iat",
                                       "sub", "ext", "scope", "nbf"};

// A C policy and the jve::Policy the C++ API is given for the same values.
struct Policies {
  jve_policy c;
  jve::Policy cxx;
  std::vector<const char*> issuers, audiences, required, crit;
  std::string typ;
  int64_t now = kNow;
  bool c_only_invalid = false;  // an argument error the C++ types cannot express
};

int64_t c_clock(void* arg) { return *static_cast<const int64_t*>(arg); }

void read_list(FuzzedDataProvider& in, std::vector<const char*>& c, std::vector<std::string>& cxx) {
  const size_t n = in.ConsumeIntegralInRange<size_t>(0, 3);
  c.clear();
  cxx.clear();
  for (size_t i = 0; i < n; ++i) {
    const char* s = kVocabulary[in.ConsumeIntegral<uint8_t>() % std::size(kVocabulary)];
    c.push_back(s);
    cxx.emplace_back(s);
  }
}

// read_policy: u32 algorithms, issuers, audiences (each a count in [0, 3]
// and a u8 vocabulary index per entry), u8 check_audience, i64 leeway, u8
// required claims (0 default, 1 none, else a list as above), bool then i64
// max age, u8 typ (0 NULL, 1 "", 2 "JWT", 3 "at+jwt"), crit list, u8
// require_kid, u8 max_token_bytes choice (then a u32 for the last), u32
// max_json_depth, i64 now.
void read_policy(FuzzedDataProvider& in, Policies& p) {
  jve_policy& c = p.c;
  c.algorithms = in.ConsumeIntegral<uint32_t>();
  if ((c.algorithms & ~JVE_ALG_ALL) != 0) p.c_only_invalid = true;
  p.cxx.algorithms = jve::AlgSet();
  for (int i = 0; i < jve::kNumAlgs; ++i) {
    if (c.algorithms & (1u << i)) p.cxx.algorithms.add(static_cast<jve::Alg>(i));
  }
  read_list(in, p.issuers, p.cxx.issuers);
  read_list(in, p.audiences, p.cxx.audiences);
  c.check_audience = static_cast<int8_t>(in.ConsumeIntegral<uint8_t>());
  p.cxx.check_audience = c.check_audience != 0;
  c.leeway_seconds = p.cxx.leeway_seconds = in.ConsumeIntegral<int64_t>();
  const uint8_t required = in.ConsumeIntegral<uint8_t>() % 3;
  if (required == 1) {
    p.cxx.required_claims.clear();
    c.required_claim_count = 0;
  } else if (required == 2) {
    read_list(in, p.required, p.cxx.required_claims);
    c.required_claims = p.required.data();
    c.required_claim_count = p.required.size();
  }
  if (in.ConsumeBool()) {
    c.max_age_seconds = in.ConsumeIntegral<int64_t>();
    if (c.max_age_seconds != JVE_NO_MAX_AGE) p.cxx.max_age_seconds = c.max_age_seconds;
  }
  switch (in.ConsumeIntegral<uint8_t>() % 4) {
    case 0: c.typ = nullptr; break;
    case 1: p.typ = ""; c.typ = p.typ.c_str(); break;
    case 2: p.typ = "JWT"; c.typ = p.typ.c_str(); break;
    default: p.typ = "at+jwt"; c.typ = p.typ.c_str(); break;
  }
  p.cxx.typ = p.typ;
  read_list(in, p.crit, p.cxx.critical_headers);
  c.require_kid = in.ConsumeIntegral<uint8_t>() & 1;
  p.cxx.require_kid = c.require_kid != 0;
  switch (in.ConsumeIntegral<uint8_t>() % 7) {
    case 0: c.max_token_bytes = 0; break;
    case 1: c.max_token_bytes = 16; break;
    case 2: c.max_token_bytes = jve::kMaxTokenBytesCeiling; break;
    case 3: c.max_token_bytes = jve::kMaxTokenBytesCeiling + 1; break;
    case 4: c.max_token_bytes = std::numeric_limits<size_t>::max(); break;
    case 5: break;  // the default
    default: c.max_token_bytes = in.ConsumeIntegral<uint32_t>(); break;
  }
  p.cxx.max_token_bytes = c.max_token_bytes;
  c.max_json_depth = p.cxx.max_json_depth = in.ConsumeIntegral<uint32_t>();
  p.now = in.ConsumeIntegral<int64_t>();
}

// The claims accessors against jve::Claims, and against NULL arguments.
void check_claims(const jve_claims* c, const jve::Claims& want, const std::string& name) {
  if (c == nullptr) fail("jve_verify returned ok without claims");
  // The out-values by reference: read after the accessor wrote them (the
  // order in which a call's arguments are evaluated is unspecified).
  auto same = [](int got, const jve_str& s, const std::optional<std::string_view>& w) {
    if (got != (w ? 1 : 0)) return false;
    return !w || std::string_view(s.data, s.len) == *w;
  };
  auto same_n = [](int got, const double& d, const std::optional<double>& w) {
    return got == (w ? 1 : 0) && (!w || d == *w);
  };
  jve_str s{};
  double d = 0;
  if (!same(jve_claims_iss(c, &s), s, want.iss)) fail("jve_claims_iss");
  if (!same(jve_claims_sub(c, &s), s, want.sub)) fail("jve_claims_sub");
  if (!same(jve_claims_jti(c, &s), s, want.jti)) fail("jve_claims_jti");
  if (!same_n(jve_claims_exp(c, &d), d, want.exp)) fail("jve_claims_exp");
  if (!same_n(jve_claims_nbf(c, &d), d, want.nbf)) fail("jve_claims_nbf");
  if (!same_n(jve_claims_iat(c, &d), d, want.iat)) fail("jve_claims_iat");
  if (!same(jve_claims_kid(c, &s), s, want.header.kid)) fail("jve_claims_kid");
  if (!same(jve_claims_typ(c, &s), s, want.header.typ)) fail("jve_claims_typ");
  if (!same(jve_claims_payload_json(c, &s), s, want.json())) fail("jve_claims_payload_json");
  if (!same(jve_claims_header_json(c, &s), s, want.header.json)) fail("jve_claims_header_json");
  const char* alg = jve_claims_alg(c);
  if (alg == nullptr || jve::alg_name(want.header.alg) != alg) fail("jve_claims_alg");
  const size_t n = jve_claims_audience_count(c);
  if (n != want.audience_count()) fail("jve_claims_audience_count");
  for (size_t i = 0; i <= n; ++i) {
    const int got = jve_claims_audience(c, i, &s);
    const std::string_view w = i < n ? want.audience(i) : std::string_view();
    if (got != (w.data() != nullptr ? 1 : 0) || (got && std::string_view(s.data, s.len) != w))
      fail("jve_claims_audience");
  }
  // Any claim by name: the queried one, and the registered ones.
  for (const std::string& q : {name, std::string("exp"), std::string("aud"), std::string("scope")}) {
    const char* qn = q.c_str();  // a NUL in the fuzzed name ends it, for both APIs
    // jve_claim_type lists the kinds in jve::ClaimType's order.
    if (static_cast<int>(jve_claims_type(c, qn)) != static_cast<int>(want.type(qn)))
      fail("jve_claims_type");
    if (!same(jve_claims_get_string(c, qn, &s), s, want.get_string(qn))) fail("jve_claims_get_string");
    int64_t i = 0;
    const std::optional<int64_t> wi = want.get_int(qn);
    if (jve_claims_get_int(c, qn, &i) != (wi ? 1 : 0) || (wi && i != *wi)) fail("jve_claims_get_int");
    if (!same_n(jve_claims_get_number(c, qn, &d), d, want.get_number(qn))) fail("jve_claims_get_number");
    int b = 0;
    const std::optional<bool> wb = want.get_bool(qn);
    if (jve_claims_get_bool(c, qn, &b) != (wb ? 1 : 0) || (wb && b != (*wb ? 1 : 0)))
      fail("jve_claims_get_bool");
  }
  // NULL arguments: 0 (or absent, NULL), never a crash.
  if (jve_claims_iss(c, nullptr) || jve_claims_exp(c, nullptr) || jve_claims_get_string(c, nullptr, &s) ||
      jve_claims_get_int(c, "exp", nullptr) || jve_claims_audience(c, 0, nullptr) ||
      jve_claims_type(c, nullptr) != JVE_CLAIM_ABSENT || jve_claims_payload_json(c, nullptr))
    fail("a claims accessor answered for a NULL argument");
}

// No claims at all (a failed verify): every accessor says absent.
void check_no_claims() {
  jve_str s{};
  double d = 0;
  int64_t i = 0;
  if (jve_claims_iss(nullptr, &s) || jve_claims_exp(nullptr, &d) || jve_claims_get_int(nullptr, "exp", &i) ||
      jve_claims_audience_count(nullptr) != 0 || jve_claims_alg(nullptr) != nullptr ||
      jve_claims_type(nullptr, "exp") != JVE_CLAIM_ABSENT || jve_claims_header_json(nullptr, &s))
    fail("a claims accessor answered for NULL claims");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const jve_fuzz::Fixture fixture;
  FuzzedDataProvider in(data, size);
  const uint8_t mode = in.ConsumeIntegral<uint8_t>();
  const int hostile = (mode & 0x20) ? in.ConsumeIntegral<uint8_t>() % kNumHostile : -1;
  const size_t why_bytes = in.ConsumeIntegralInRange<size_t>(0, 300);
  WhyBuffer why(hostile == kWhyNull ? 0 : why_bytes);
  char* why_ptr = hostile == kWhyNull ? nullptr : why.data.get();
  const size_t why_size = why.size;
  const SignAlg alg = kAlgBySlot[(mode & 0x04) ? in.ConsumeIntegral<uint8_t>() % 16 : 0];

  Policies pol;
  jve_policy_init(&pol.c);
  pol.c.clock = c_clock;
  pol.c.clock_arg = &pol.now;
  if (mode & 0x80) read_policy(in, pol);
  pol.cxx.clock = [now = pol.now] { return now; };
  if (hostile == kStructSize) pol.c.struct_size = sizeof(jve_policy) - 8, pol.c_only_invalid = true;
  if (hostile == kIssuersNull) pol.c.issuer_count = 2, pol.c_only_invalid = true;
  pol.c.issuers = hostile == kIssuersNull ? nullptr : pol.issuers.data();
  if (hostile != kIssuersNull) pol.c.issuer_count = pol.issuers.size();
  if (hostile == kAudienceEntryNull) pol.audiences.push_back(nullptr), pol.c_only_invalid = true;
  pol.c.audiences = pol.audiences.data();
  pol.c.audience_count = pol.audiences.size();
  pol.c.critical_headers = pol.crit.data();
  pol.c.critical_header_count = pol.crit.size();

  // The keys.
  const int set = mode & 3;
  const std::string jwks_text = set == 3 ? in.ConsumeRandomLengthString(4096) : fixture.key_set(set).jwks;
  const std::string replacement = (mode & 0x08) ? in.ConsumeRandomLengthString(4096) : std::string();
  const std::string name = in.ConsumeRandomLengthString(32);
  std::string token;
  if (mode & 0x04) {
    std::string header = in.ConsumeRandomLengthString(1024);
    if (mode & 0x40) {
      header = "{\"alg\":\"" + std::string(jve_fuzz::sign_alg_name(alg)) + "\"" +
               (header.empty() ? "" : ",") + header + "}";
    }
    token = fixture.token(alg, header, in.ConsumeRemainingBytesAsString());
  } else {
    token = in.ConsumeRemainingBytesAsString();
  }

  // ---- Key store: the C++ key sources' verdict and counts.
  const auto jwks = exact_copy(jwks_text);
  jve_key_store* store = reinterpret_cast<jve_key_store*>(&why);  // must be overwritten
  jve_status st = jve_key_store_new(hostile == kJwksNull ? nullptr : jwks.get(), jwks_text.size(),
                                    hostile == kStoreOutNull ? nullptr : &store, why_ptr, why_size);
  check_status(st);
  if (hostile == kStoreOutNull) store = nullptr;
  why.check(st != JVE_STATUS_OK);
  std::shared_ptr<const jve::KeySet> keys;
  if (hostile == kJwksNull || hostile == kStoreOutNull) {
    if (st != JVE_STATUS_INVALID_ARGUMENT) fail("jve_key_store_new took a NULL argument", st);
    if (hostile == kJwksNull && store != nullptr) fail("a refused store is not NULL");
  } else {
    auto want = jve::parse_usable_jwks(jwks_text);
    if (st != (want.ok() ? JVE_STATUS_OK : static_cast<jve_status>(want.status())))
      fail("jve_key_store_new differs from parse_usable_jwks", st);
    if ((st == JVE_STATUS_OK) != (store != nullptr)) fail("store set on failure or NULL on success", st);
    if (want.ok()) {
      keys = *want;
      if (jve_key_store_key_count(store) != keys->size() ||
          jve_key_store_left_out_count(store) != keys->left_out().size())
        fail("jve_key_store counts differ from the KeySet's");
    }
  }
  if (jve_key_store_key_count(nullptr) != 0 || jve_key_store_left_out_count(nullptr) != 0)
    fail("counts of a NULL store");

  // ---- Replacement: on failure the old keys stay.
  if ((mode & 0x08) && store != nullptr) {
    const auto text = exact_copy(replacement);
    st = jve_key_store_replace(store, text.get(), replacement.size(), why_ptr, why_size);
    check_status(st);
    why.check(st != JVE_STATUS_OK);
    auto want = jve::parse_usable_jwks(replacement);
    if (st != (want.ok() ? JVE_STATUS_OK : static_cast<jve_status>(want.status())))
      fail("jve_key_store_replace differs from parse_usable_jwks", st);
    if (want.ok()) keys = *want;
    if (jve_key_store_key_count(store) != keys->size()) fail("key count after a replace");
  }
  if (jve_key_store_replace(nullptr, "{}", 2, why_ptr, why_size) != JVE_STATUS_INVALID_ARGUMENT)
    fail("jve_key_store_replace took a NULL store");

  // ---- Verifier: refuses what jve::validate refuses, and NULL arguments.
  const bool null_arg = hostile == kVerifierOutNull || hostile == kPolicyNull || hostile == kStoreNull ||
                        store == nullptr;
  const bool valid = !pol.c_only_invalid && jve::validate(pol.cxx);
  jve_verifier* verifier = reinterpret_cast<jve_verifier*>(&why);
  st = jve_verifier_new(hostile == kPolicyNull ? nullptr : &pol.c, hostile == kStoreNull ? nullptr : store,
                        hostile == kVerifierOutNull ? nullptr : &verifier, why_ptr, why_size);
  check_status(st);
  why.check(st != JVE_STATUS_OK);
  if (hostile == kVerifierOutNull) verifier = nullptr;
  if (null_arg || !valid) {
    if (st != JVE_STATUS_INVALID_ARGUMENT) fail("jve_verifier_new accepted a bad argument or policy", st);
    if (hostile != kVerifierOutNull && verifier != nullptr) fail("a refused verifier is not NULL");
  } else if (st != JVE_STATUS_OK || verifier == nullptr) {
    fail("jve_verifier_new refused a policy jve::validate accepts", st);
  }
  // The verifier shares the store: freeing the caller's reference first is allowed.
  if (mode & 0x10) {
    jve_key_store_free(store);
    store = nullptr;
  }

  // ---- Verify: the C++ Verifier's status exactly, the reference's verdict.
  // A scratch is sized for the largest max_token_bytes it has served (up to
  // 3 x 16 MiB): one of each lives across runs, as in a server thread, and a
  // fresh one is made and freed every run.
  static jve_scratch* const scratch = jve_scratch_new();
  static jve::Scratch cxx_scratch;
  if (scratch == nullptr) fail("jve_scratch_new");
  jve_scratch_free(jve_scratch_new());
  const auto token_buf = exact_copy(token);
  const char* token_ptr = token_buf.get();
  size_t token_len = token.size();
  std::string_view cxx_token = token;
  if (hostile == kTokenNullEmpty) token_ptr = nullptr, token_len = 0, cxx_token = {};
  if (hostile == kTokenNullLong) token_ptr = nullptr, token_len = token.size() + 1;
  const jve_claims* claims = reinterpret_cast<const jve_claims*>(&why);
  st = jve_verify(hostile == kVerifierNull ? nullptr : verifier, hostile == kScratchNull ? nullptr : scratch,
                  token_ptr, token_len, hostile == kClaimsOutNull ? nullptr : &claims);
  check_status(st);
  if (hostile == kClaimsOutNull) claims = nullptr;
  if (verifier == nullptr || hostile == kVerifierNull || hostile == kScratchNull || hostile == kTokenNullLong) {
    if (st != JVE_STATUS_INVALID_ARGUMENT) fail("jve_verify took a bad argument", st);
  } else {
    const jve::Verifier cxx(pol.cxx, keys);
    jve::Claims want;
    const jve::Status cxx_st = cxx.verify(cxx_token, cxx_scratch, want);
    if (st != static_cast<jve_status>(cxx_st)) fail("jve_verify differs from jve::Verifier", st);
    if (set != 3 && !(mode & 0x08)) {
      const jve::Status ref = jve::reference::verify(cxx_token, fixture.key_set(set).ref, pol.cxx);
      if (jve::reference::status_class(cxx_st) != jve::reference::status_class(ref)) {
        std::fprintf(stderr, "reference: %s\n", std::string(jve::to_string(ref)).c_str());
        fail("jve_verify's verdict differs from the reference's", st);
      }
    }
    if (st == JVE_STATUS_OK && hostile != kClaimsOutNull) check_claims(claims, want, name);
  }
  if (st != JVE_STATUS_OK && claims != nullptr) fail("a failed verify left claims set", st);
  check_no_claims();

  jve_verifier_free(verifier);
  jve_key_store_free(store);
  jve_verifier_free(nullptr);
  jve_key_store_free(nullptr);
  jve_scratch_free(nullptr);
  jve_policy_init(nullptr);
  // Any value a C caller can pass (within the enum's range, 0..1023).
  if (jve_status_name(static_cast<jve_status>(mode * 4)) == nullptr ||
      jve_status_message(static_cast<jve_status>(1023 - mode)) == nullptr)
    fail("a status name or message is NULL");
  ERR_clear_error();
  return 0;
}
