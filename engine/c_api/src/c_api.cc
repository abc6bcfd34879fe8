// The C API (jve/jve.h): thin wrappers over the C++ API. Every entry point
// either cannot throw (the C++ calls it makes are noexcept) or catches
// everything and maps it to a status, since an exception unwinding into C
// frames is undefined behaviour.
#include "jve/jve.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jve/authz.h"
#include "jve/claims.h"
#include "jve/key_source.h"
#include "jve/key_set.h"
#include "jve/key_store.h"
#include "jve/policy.h"
#include "jve/status.h"
#include "jve/verifier.h"

// ---- The numbers of jve_status are those of jve::Status. ----
#define JVE_SAME_STATUS(c_name, cxx_name)                                              \
  static_assert(static_cast<int>(c_name) == static_cast<int>(jve::Status::cxx_name), \
                "jve.h: " #c_name " differs from jve::Status::" #cxx_name)
JVE_SAME_STATUS(JVE_STATUS_OK, ok);
JVE_SAME_STATUS(JVE_STATUS_MALFORMED, malformed);
JVE_SAME_STATUS(JVE_STATUS_TOO_LARGE, too_large);
JVE_SAME_STATUS(JVE_STATUS_BAD_BASE64, bad_base64);
JVE_SAME_STATUS(JVE_STATUS_BAD_JSON, bad_json);
JVE_SAME_STATUS(JVE_STATUS_DUPLICATE_MEMBER, duplicate_member);
JVE_SAME_STATUS(JVE_STATUS_TOO_DEEP, too_deep);
JVE_SAME_STATUS(JVE_STATUS_BAD_HEADER, bad_header);
JVE_SAME_STATUS(JVE_STATUS_ALG_NOT_ALLOWED, alg_not_allowed);
JVE_SAME_STATUS(JVE_STATUS_UNSUPPORTED_CRIT, unsupported_crit);
JVE_SAME_STATUS(JVE_STATUS_BAD_TYP, bad_typ);
JVE_SAME_STATUS(JVE_STATUS_MISSING_KID, missing_kid);
JVE_SAME_STATUS(JVE_STATUS_KEY_NOT_FOUND, key_not_found);
JVE_SAME_STATUS(JVE_STATUS_AMBIGUOUS_KEY, ambiguous_key);
JVE_SAME_STATUS(JVE_STATUS_BAD_SIGNATURE, bad_signature);
JVE_SAME_STATUS(JVE_STATUS_EXPIRED, expired);
JVE_SAME_STATUS(JVE_STATUS_NOT_YET_VALID, not_yet_valid);
JVE_SAME_STATUS(JVE_STATUS_TOO_OLD, too_old);
JVE_SAME_STATUS(JVE_STATUS_ISSUED_IN_FUTURE, issued_in_future);
JVE_SAME_STATUS(JVE_STATUS_BAD_ISSUER, bad_issuer);
JVE_SAME_STATUS(JVE_STATUS_BAD_AUDIENCE, bad_audience);
JVE_SAME_STATUS(JVE_STATUS_MISSING_CLAIM, missing_claim);
JVE_SAME_STATUS(JVE_STATUS_BAD_CLAIM, bad_claim);
JVE_SAME_STATUS(JVE_STATUS_BAD_KEY, bad_key);
JVE_SAME_STATUS(JVE_STATUS_WEAK_KEY, weak_key);
JVE_SAME_STATUS(JVE_STATUS_UNSUPPORTED_KEY, unsupported_key);
JVE_SAME_STATUS(JVE_STATUS_KEY_NOT_FOR_SIGNING, key_not_for_signing);
JVE_SAME_STATUS(JVE_STATUS_KEY_ALG_MISMATCH, key_alg_mismatch);
JVE_SAME_STATUS(JVE_STATUS_INTERNAL_ERROR, internal_error);
JVE_SAME_STATUS(JVE_STATUS_INSUFFICIENT_SCOPE, insufficient_scope);
JVE_SAME_STATUS(JVE_STATUS_FORBIDDEN, forbidden);
JVE_SAME_STATUS(JVE_STATUS_REVOKED, revoked);
// A code appended to jve::Status must be added to jve_status as well.
JVE_SAME_STATUS(JVE_STATUS_COUNT, num_statuses);
#undef JVE_SAME_STATUS
static_assert(JVE_STATUS_INVALID_ARGUMENT > JVE_STATUS_COUNT + 100,
              "the C-only codes must stay clear of the shared range");

// ---- JVE_ALG_* bits are 1 << jve::Alg. ----
#define JVE_SAME_ALG(name) \
  static_assert(JVE_ALG_##name == (1u << static_cast<unsigned>(jve::Alg::name)), "jve.h: JVE_ALG_" #name)
JVE_SAME_ALG(HS256);
JVE_SAME_ALG(HS384);
JVE_SAME_ALG(HS512);
JVE_SAME_ALG(RS256);
JVE_SAME_ALG(RS384);
JVE_SAME_ALG(RS512);
JVE_SAME_ALG(PS256);
JVE_SAME_ALG(PS384);
JVE_SAME_ALG(PS512);
JVE_SAME_ALG(ES256);
JVE_SAME_ALG(ES384);
JVE_SAME_ALG(ES512);
#undef JVE_SAME_ALG
static_assert(JVE_ALG_EDDSA == (1u << static_cast<unsigned>(jve::Alg::EdDSA)), "jve.h: JVE_ALG_EDDSA");
static_assert(JVE_ALG_ALL == (1u << jve::kNumAlgs) - 1u, "jve.h: JVE_ALG_ALL");

// ---- The header's version is the CMake project's (engine/CMakeLists.txt). ----
#if !defined(JVE_PROJECT_VERSION_MAJOR) || !defined(JVE_PROJECT_VERSION_MINOR) || \
    !defined(JVE_PROJECT_VERSION_PATCH)
#error "engine/CMakeLists.txt passes JVE_PROJECT_VERSION_* to this file"
#endif
static_assert(JVE_VERSION_MAJOR == JVE_PROJECT_VERSION_MAJOR &&
                  JVE_VERSION_MINOR == JVE_PROJECT_VERSION_MINOR &&
                  JVE_VERSION_PATCH == JVE_PROJECT_VERSION_PATCH,
              "jve.h: JVE_VERSION_* differ from project(jve VERSION ...) in CMakeLists.txt");

// The handles. Each owns C++ objects; the C side sees only the pointers.
struct jve_key_store {
  std::shared_ptr<jve::KeyStore> store;
};

struct jve_verifier {
  jve::Verifier verifier;
};

struct jve_claims {
  jve::Claims claims;
};

struct jve_requirement {
  jve::Requirement requirement;
};

// The claims live in the scratch: they point into it anyway, so they share
// its lifetime and need no allocation of their own.
struct jve_scratch {
  jve::Scratch scratch;
  jve_claims claims;
};

namespace {

// write_why copies |text| into the caller's buffer, truncated (never in the
// middle of a UTF-8 sequence) and NUL-terminated. Cannot throw.
void write_why(char* why, size_t why_size, std::string_view text) noexcept {
  if (why == nullptr || why_size == 0) return;
  size_t n = std::min(text.size(), why_size - 1);
  if (n < text.size()) {
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  }
  std::memcpy(why, text.data(), n);
  why[n] = '\0';
}

jve_status to_c(jve::Status s) noexcept { return static_cast<jve_status>(s); }

// The status of a call that threw; writes a matching |why|.
jve_status from_exception(char* why, size_t why_size) noexcept {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    write_why(why, why_size, "out of memory");
    return JVE_STATUS_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    write_why(why, why_size, e.what());
  } catch (...) {
    write_why(why, why_size, "unexpected exception");
  }
  return JVE_STATUS_INTERNAL_ERROR;
}

// load parses |jwks| with the key sources' rule (jve::parse_usable_jwks:
// at least one usable key; an empty set is key_not_found). On failure
// returns the status and fills |why|; on success |why| lists the keys left
// out, if any, one jve::describe_left_out line each.
jve_status load(const char* jwks, size_t jwks_len, std::shared_ptr<const jve::KeySet>& out,
                std::string& why) {
  auto keys = jve::parse_usable_jwks(std::string_view(jwks, jwks_len), &why);
  if (!keys.ok()) return to_c(keys.status());
  why.clear();
  for (const jve::KeyIssue& issue : (*keys)->left_out()) {
    if (!why.empty()) why += "; ";
    why += jve::describe_left_out(issue);
  }
  out = std::move(*keys);
  return JVE_STATUS_OK;
}

bool copy_list(const char* const* items, size_t count, const char* field,
               std::vector<std::string>& out, std::string& why) {
  out.clear();
  if (count == 0) return true;
  if (items == nullptr) {
    why = std::string("policy.") + field + " is NULL with a count of " + std::to_string(count);
    return false;
  }
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (items[i] == nullptr) {
      why = std::string("policy.") + field + "[" + std::to_string(i) + "] is NULL";
      return false;
    }
    out.emplace_back(items[i]);
  }
  return true;
}

// to_policy checks |p| and converts it; false with |why| on a bad field.
bool to_policy(const jve_policy& p, jve::Policy& out, std::string& why) {
  if (p.struct_size != sizeof(jve_policy)) {
    why = "the policy was not initialised with jve_policy_init (or comes from another jve version)";
    return false;
  }
  if ((p.algorithms & ~JVE_ALG_ALL) != 0) {
    why = "policy.algorithms has bits that are not JVE_ALG_* values";
    return false;
  }
  out.algorithms = jve::AlgSet();
  for (int i = 0; i < jve::kNumAlgs; ++i) {
    if (p.algorithms & (1u << i)) out.algorithms.add(static_cast<jve::Alg>(i));
  }
  if (!copy_list(p.issuers, p.issuer_count, "issuers", out.issuers, why) ||
      !copy_list(p.audiences, p.audience_count, "audiences", out.audiences, why) ||
      !copy_list(p.required_claims, p.required_claim_count, "required_claims",
                 out.required_claims, why) ||
      !copy_list(p.critical_headers, p.critical_header_count, "critical_headers",
                 out.critical_headers, why))
    return false;
  out.check_audience = p.check_audience != 0;
  out.leeway_seconds = p.leeway_seconds;
  if (p.max_age_seconds == JVE_NO_MAX_AGE) {
    out.max_age_seconds.reset();
  } else {
    out.max_age_seconds = p.max_age_seconds;
  }
  out.typ = p.typ != nullptr ? p.typ : "";
  out.require_kid = p.require_kid != 0;
  out.max_token_bytes = p.max_token_bytes;
  out.max_json_depth = p.max_json_depth;
  if (p.clock != nullptr) {
    out.clock = [clock = p.clock, arg = p.clock_arg]() -> int64_t { return clock(arg); };
  } else {
    out.clock = nullptr;
  }
  // The rules every Verifier applies (jve::validate), so C and C++ refuse
  // the same policies with the same words.
  return jve::validate(out, &why);
}

const jve::Claims* get(const jve_claims* c) noexcept { return c ? &c->claims : nullptr; }

int put(const std::optional<std::string_view>& v, jve_str* out) noexcept {
  if (!v || out == nullptr) return 0;
  out->data = v->data();
  out->len = v->size();
  return 1;
}

template <class T, class U>
int put(const std::optional<U>& v, T* out) noexcept {
  if (!v || out == nullptr) return 0;
  *out = static_cast<T>(*v);
  return 1;
}

}  // namespace

// ---- Version and status ----

const char* jve_version(void) { return JVE_VERSION_STRING; }

uint32_t jve_version_number(void) { return JVE_VERSION_NUMBER; }

// jve::to_string and jve::message return views of NUL-terminated string
// literals (engine/src/status.cc), so .data() is a valid C string; the C
// test compares every name with strcmp.
const char* jve_status_name(jve_status s) {
  switch (s) {
    case JVE_STATUS_INVALID_ARGUMENT: return "invalid_argument";
    case JVE_STATUS_OUT_OF_MEMORY: return "out_of_memory";
    default: break;
  }
  if (static_cast<int>(s) < 0 || static_cast<int>(s) >= JVE_STATUS_COUNT) return "unknown";
  return jve::to_string(static_cast<jve::Status>(s)).data();
}

const char* jve_status_message(jve_status s) {
  switch (s) {
    case JVE_STATUS_INVALID_ARGUMENT:
      return "an argument of a jve C API call is invalid (NULL handle, uninitialised policy, ...)";
    case JVE_STATUS_OUT_OF_MEMORY: return "out of memory";
    default: break;
  }
  if (static_cast<int>(s) < 0 || static_cast<int>(s) >= JVE_STATUS_COUNT) return "unknown status";
  return jve::message(static_cast<jve::Status>(s)).data();
}

// ---- Key store ----

jve_status jve_key_store_new(const char* jwks, size_t jwks_len, jve_key_store** out,
                             char* why, size_t why_size) {
  if (out != nullptr) *out = nullptr;
  if (out == nullptr || jwks == nullptr) {
    write_why(why, why_size, out == nullptr ? "out is NULL" : "jwks is NULL");
    return JVE_STATUS_INVALID_ARGUMENT;
  }
  try {
    std::shared_ptr<const jve::KeySet> keys;
    std::string text;
    const jve_status st = load(jwks, jwks_len, keys, text);
    write_why(why, why_size, text);
    if (st != JVE_STATUS_OK) return st;
    auto handle = std::make_unique<jve_key_store>();
    handle->store = std::make_shared<jve::KeyStore>(std::move(keys));
    *out = handle.release();
    return JVE_STATUS_OK;
  } catch (...) {
    return from_exception(why, why_size);
  }
}

jve_status jve_key_store_replace(jve_key_store* store, const char* jwks, size_t jwks_len,
                                 char* why, size_t why_size) {
  if (store == nullptr || jwks == nullptr) {
    write_why(why, why_size, store == nullptr ? "store is NULL" : "jwks is NULL");
    return JVE_STATUS_INVALID_ARGUMENT;
  }
  try {
    std::shared_ptr<const jve::KeySet> keys;
    std::string text;
    const jve_status st = load(jwks, jwks_len, keys, text);
    write_why(why, why_size, text);
    if (st != JVE_STATUS_OK) return st;
    store->store->replace(std::move(keys));
    return JVE_STATUS_OK;
  } catch (...) {
    return from_exception(why, why_size);
  }
}

size_t jve_key_store_key_count(const jve_key_store* store) {
  if (store == nullptr) return 0;
  const jve::KeyStore::Reader reader(*store->store);
  return reader.keys().size();
}

size_t jve_key_store_left_out_count(const jve_key_store* store) {
  if (store == nullptr) return 0;
  const jve::KeyStore::Reader reader(*store->store);
  return reader.keys().left_out().size();
}

void jve_key_store_free(jve_key_store* store) { delete store; }

// ---- Policy and verifier ----

void jve_policy_init(jve_policy* policy) {
  if (policy == nullptr) return;
  // The same defaults as jve::Policy; "exp" is static so the default policy
  // needs no storage from the caller.
  static const char* const kDefaultRequired[] = {"exp"};
  std::memset(policy, 0, sizeof *policy);
  policy->struct_size = sizeof *policy;
  policy->algorithms = JVE_ALG_ALL;
  policy->check_audience = 1;
  policy->leeway_seconds = 0;
  policy->required_claims = kDefaultRequired;
  policy->required_claim_count = 1;
  policy->max_age_seconds = JVE_NO_MAX_AGE;
  policy->require_kid = 0;
  // jve::Policy's defaults, from their constants: building a jve::Policy
  // would allocate, and this function cannot fail.
  policy->max_token_bytes = jve::kDefaultMaxTokenBytes;
  policy->max_json_depth = jve::kDefaultMaxJsonDepth;
}

jve_status jve_verifier_new(const jve_policy* policy, jve_key_store* store, jve_verifier** out,
                            char* why, size_t why_size) {
  return jve_verifier_new_cached(policy, store, nullptr, out, why, why_size);
}

void jve_cache_options_init(jve_cache_options* options) {
  if (options == nullptr) return;
  const jve::VerifyCache defaults;
  std::memset(options, 0, sizeof *options);
  options->struct_size = sizeof *options;
  options->entries = defaults.entries;
  options->max_token_bytes = defaults.max_token_bytes;
  options->entry_bytes = defaults.entry_bytes;
}

jve_status jve_verifier_new_cached(const jve_policy* policy, jve_key_store* store,
                                   const jve_cache_options* cache, jve_verifier** out, char* why,
                                   size_t why_size) {
  if (out != nullptr) *out = nullptr;
  if (out == nullptr || policy == nullptr || store == nullptr) {
    write_why(why, why_size,
              out == nullptr ? "out is NULL" : policy == nullptr ? "policy is NULL" : "store is NULL");
    return JVE_STATUS_INVALID_ARGUMENT;
  }
  try {
    jve::Policy p;
    std::string text;
    if (!to_policy(*policy, p, text)) {
      write_why(why, why_size, text);
      return JVE_STATUS_INVALID_ARGUMENT;
    }
    if (cache == nullptr) {
      *out = new jve_verifier{jve::Verifier(std::move(p), store->store)};
    } else {
      if (cache->struct_size != sizeof(jve_cache_options)) {
        write_why(why, why_size, "the cache options were not initialised with jve_cache_options_init");
        return JVE_STATUS_INVALID_ARGUMENT;
      }
      const jve::VerifyCache c{.entries = cache->entries,
                               .max_token_bytes = cache->max_token_bytes,
                               .entry_bytes = cache->entry_bytes};
      try {
        *out = new jve_verifier{jve::Verifier(std::move(p), store->store, c)};
      } catch (const std::invalid_argument& e) {  // the policy passed: the cache options
        write_why(why, why_size, e.what());
        return JVE_STATUS_INVALID_ARGUMENT;
      }
    }
    write_why(why, why_size, "");
    return JVE_STATUS_OK;
  } catch (...) {
    return from_exception(why, why_size);
  }
}

void jve_verifier_free(jve_verifier* verifier) { delete verifier; }

// ---- Scratch and verify ----

jve_scratch* jve_scratch_new(void) {
  try {
    return new jve_scratch();
  } catch (...) {  // std::bad_alloc: documented as NULL
    return nullptr;
  }
}

void jve_scratch_free(jve_scratch* scratch) { delete scratch; }

jve_status jve_verify(const jve_verifier* verifier, jve_scratch* scratch, const char* token,
                      size_t token_len, const jve_claims** claims) {
  if (claims != nullptr) *claims = nullptr;
  if (verifier == nullptr || scratch == nullptr || (token == nullptr && token_len != 0))
    return JVE_STATUS_INVALID_ARGUMENT;
  // Verifier::verify is noexcept and reports allocation failure (sizing the
  // scratch) as internal_error, so no try block is needed on the hot path.
  const jve::Status st = verifier->verifier.verify(
      std::string_view(token != nullptr ? token : "", token_len), scratch->scratch,
      scratch->claims.claims);
  if (st == jve::Status::ok && claims != nullptr) *claims = &scratch->claims;
  return to_c(st);
}

// ---- Claims ----

// read_claim is every scalar claim accessor: a claim absent, or no claims,
// answers 0.
namespace {
template <class Field, class Out>
int read_claim(const jve_claims* claims, Field jve::Claims::*field, Out* out) {
  const jve::Claims* c = get(claims);
  return c ? put(c->*field, out) : 0;
}
}  // namespace

int jve_claims_iss(const jve_claims* claims, jve_str* out) { return read_claim(claims, &jve::Claims::iss, out); }
int jve_claims_sub(const jve_claims* claims, jve_str* out) { return read_claim(claims, &jve::Claims::sub, out); }
int jve_claims_jti(const jve_claims* claims, jve_str* out) { return read_claim(claims, &jve::Claims::jti, out); }
int jve_claims_exp(const jve_claims* claims, double* out) { return read_claim(claims, &jve::Claims::exp, out); }
int jve_claims_nbf(const jve_claims* claims, double* out) { return read_claim(claims, &jve::Claims::nbf, out); }
int jve_claims_iat(const jve_claims* claims, double* out) { return read_claim(claims, &jve::Claims::iat, out); }

size_t jve_claims_audience_count(const jve_claims* claims) {
  const jve::Claims* c = get(claims);
  return c ? c->audience_count() : 0;
}

int jve_claims_audience(const jve_claims* claims, size_t index, jve_str* out) {
  const jve::Claims* c = get(claims);
  if (c == nullptr || out == nullptr || index >= c->audience_count()) return 0;
  // audience() gives an empty view both for "" and for a non-string entry;
  // tell them apart by the data pointer, which only a real string sets.
  const std::string_view v = c->audience(index);
  if (v.data() == nullptr) return 0;
  out->data = v.data();
  out->len = v.size();
  return 1;
}

jve_claim_type jve_claims_type(const jve_claims* claims, const char* name) {
  const jve::Claims* c = get(claims);
  if (c == nullptr || name == nullptr) return JVE_CLAIM_ABSENT;
  switch (c->type(name)) {
    case jve::ClaimType::absent: return JVE_CLAIM_ABSENT;
    case jve::ClaimType::string: return JVE_CLAIM_STRING;
    case jve::ClaimType::number: return JVE_CLAIM_NUMBER;
    case jve::ClaimType::boolean: return JVE_CLAIM_BOOLEAN;
    case jve::ClaimType::null: return JVE_CLAIM_NULL;
    case jve::ClaimType::array: return JVE_CLAIM_ARRAY;
    case jve::ClaimType::object: return JVE_CLAIM_OBJECT;
  }
  return JVE_CLAIM_ABSENT;
}

int jve_claims_get_string(const jve_claims* claims, const char* name, jve_str* out) {
  const jve::Claims* c = get(claims);
  return c && name ? put(c->get_string(name), out) : 0;
}

int jve_claims_get_int(const jve_claims* claims, const char* name, int64_t* out) {
  const jve::Claims* c = get(claims);
  return c && name ? put(c->get_int(name), out) : 0;
}

int jve_claims_get_number(const jve_claims* claims, const char* name, double* out) {
  const jve::Claims* c = get(claims);
  return c && name ? put(c->get_number(name), out) : 0;
}

int jve_claims_get_bool(const jve_claims* claims, const char* name, int* out) {
  const jve::Claims* c = get(claims);
  return c && name ? put(c->get_bool(name), out) : 0;
}

int jve_claims_payload_json(const jve_claims* claims, jve_str* out) {
  const jve::Claims* c = get(claims);
  return c ? put(std::optional<std::string_view>(c->json()), out) : 0;
}

// alg_name returns a view of a NUL-terminated literal (engine/src/alg.cc).
const char* jve_claims_alg(const jve_claims* claims) {
  const jve::Claims* c = get(claims);
  return c ? jve::alg_name(c->header.alg).data() : nullptr;
}

int jve_claims_kid(const jve_claims* claims, jve_str* out) {
  const jve::Claims* c = get(claims);
  return c ? put(c->header.kid, out) : 0;
}

int jve_claims_typ(const jve_claims* claims, jve_str* out) {
  const jve::Claims* c = get(claims);
  return c ? put(c->header.typ, out) : 0;
}

int jve_claims_header_json(const jve_claims* claims, jve_str* out) {
  const jve::Claims* c = get(claims);
  return c ? put(std::optional<std::string_view>(c->header.json), out) : 0;
}

// ---- Authorization ----

jve_status jve_requirement_new(const char* json, size_t json_len, jve_requirement** out, char* why,
                               size_t why_size) {
  if (out != nullptr) *out = nullptr;
  if (out == nullptr || (json == nullptr && json_len != 0)) {
    write_why(why, why_size, "NULL argument");
    return JVE_STATUS_INVALID_ARGUMENT;
  }
  try {
    std::string error;
    auto req = jve::Requirement::from_json(std::string_view(json != nullptr ? json : "", json_len), &error);
    if (!req.ok()) {
      write_why(why, why_size, error);
      return to_c(req.status());
    }
    *out = new jve_requirement{std::move(*req)};
    write_why(why, why_size, "");
    return JVE_STATUS_OK;
  } catch (...) {
    return from_exception(why, why_size);
  }
}

void jve_requirement_free(jve_requirement* requirement) { delete requirement; }

int jve_requirement_describe(const jve_requirement* requirement, jve_str* out) {
  if (requirement == nullptr || out == nullptr) return 0;
  return put(std::optional<std::string_view>(requirement->requirement.describe()), out);
}

jve_status jve_authorize(const jve_claims* claims, const jve_requirement* requirement,
                         const jve_request_value* values, size_t value_count, jve_str* message,
                         jve_str* scope) {
  if (message != nullptr) *message = jve_str{"", 0};
  if (scope != nullptr) *scope = jve_str{"", 0};
  if (requirement == nullptr || (values == nullptr && value_count != 0) ||
      value_count > JVE_MAX_REQUEST_VALUES)
    return JVE_STATUS_INVALID_ARGUMENT;
  // jve_str and std::string_view differ in layout: convert into a fixed
  // array on the stack, so the call stays allocation-free.
  jve::RequestValue converted[JVE_MAX_REQUEST_VALUES];
  for (size_t i = 0; i < value_count; ++i) {
    const jve_request_value& v = values[i];
    if ((v.name.data == nullptr && v.name.len != 0) || (v.value.data == nullptr && v.value.len != 0))
      return JVE_STATUS_INVALID_ARGUMENT;
    converted[i] = {std::string_view(v.name.data != nullptr ? v.name.data : "", v.name.len),
                    std::string_view(v.value.data != nullptr ? v.value.data : "", v.value.len)};
  }
  static const jve::Claims kNoClaims;  // a NULL |claims| satisfies nothing
  jve::Denial denial;
  const jve::Status s = jve::authorize(claims != nullptr ? claims->claims : kNoClaims,
                                       requirement->requirement,
                                       std::span<const jve::RequestValue>(converted, value_count), &denial);
  if (s != jve::Status::ok) {
    if (message != nullptr) *message = jve_str{denial.message.data(), denial.message.size()};
    if (scope != nullptr && !denial.scope.empty()) *scope = jve_str{denial.scope.data(), denial.scope.size()};
  }
  return to_c(s);
}
