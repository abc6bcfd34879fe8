/* jve/jve.h: the C API of jve, for hosts written in C (or anything with a C FFI).
 *
 * C11 (C99 works too) and C++. Every function is a thin wrapper over the C++
 * API (jve.hpp): same rules, same status numbers, same thread-safety. Nothing
 * throws or aborts across this boundary: C++ exceptions are caught and
 * turned into a status.
 *
 *   char why[256];
 *   jve_key_store *keys = NULL;
 *   if (jve_key_store_new(jwks, jwks_len, &keys, why, sizeof why) != JVE_STATUS_OK)
 *     die(why);
 *   jve_policy policy;
 *   jve_policy_init(&policy);                  // defaults as in the README
 *   const char *issuers[] = {"https://auth.example.com/"};
 *   policy.issuers = issuers;
 *   policy.issuer_count = 1;
 *   jve_verifier *verifier = NULL;
 *   if (jve_verifier_new(&policy, keys, &verifier, why, sizeof why) != JVE_STATUS_OK)
 *     die(why);
 *
 *   // Per thread: one scratch, reused for every token.
 *   jve_scratch *scratch = jve_scratch_new();
 *   const jve_claims *claims;
 *   jve_status s = jve_verify(verifier, scratch, token, token_len, &claims);
 *   if (s != JVE_STATUS_OK) return reject(jve_status_name(s));
 *   jve_str sub;
 *   if (jve_claims_sub(claims, &sub)) use(sub.data, sub.len);
 *
 * Ownership and lifetimes (what points into what):
 *   - Handles (jve_key_store, jve_verifier, jve_scratch) are created by
 *     jve_*_new and freed by the matching jve_*_free; each free accepts NULL.
 *   - Input buffers (JWKS text, policy strings and arrays) are copied by the
 *     call that takes them; the caller may free them once it returns.
 *   - A verifier shares ownership of its key store: jve_key_store_free may be
 *     called while verifiers built from it are still in use, and the store
 *     lives until the last of them is freed.
 *   - The jve_claims returned by jve_verify, and every jve_str read from it,
 *     point into the scratch AND into the token buffer passed to jve_verify.
 *     They stay valid until the next jve_verify with that scratch, or until
 *     the scratch is freed or the token buffer changes, whichever comes first.
 *   - Strings returned as const char* (status names and messages, alg names,
 *     version) are static: valid forever, never freed.
 *   - jve_str is NOT NUL-terminated: use data and len. A JSON string may
 *     contain "\u0000", which decodes to a NUL byte inside the string.
 *
 * Thread-safety:
 *   - jve_verifier: immutable; any number of threads may verify with one.
 *   - jve_key_store: jve_key_store_replace may run while other threads
 *     verify; a verify in flight finishes with the keys it started with, the
 *     next one sees the new keys. Concurrent replaces are serialised.
 *   - jve_scratch (and the claims in it): one thread at a time. Use one per
 *     thread; jve_verify needs no other synchronisation.
 *
 * Allocation: after a scratch has verified its first token (which sizes its
 * buffers for the verifier's max_token_bytes), jve_verify allocates nothing.
 */
#ifndef JVE_JVE_H_
#define JVE_JVE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this header. jve_version() gives the library's, which may be
 * newer when linked dynamically. The check in the library keeps these equal
 * to the CMake project version. */
#define JVE_VERSION_MAJOR 0
#define JVE_VERSION_MINOR 1
#define JVE_VERSION_PATCH 0
#define JVE_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons. */
#define JVE_VERSION_NUMBER \
  (JVE_VERSION_MAJOR * 10000 + JVE_VERSION_MINOR * 100 + JVE_VERSION_PATCH)

/* jve_version returns the library's version, e.g. "0.1.0". */
const char *jve_version(void);
/* jve_version_number returns the library's JVE_VERSION_NUMBER. */
uint32_t jve_version_number(void);

/* ---- Status ---------------------------------------------------------------
 * The numbers are those of jve::Status (jve/status.h), checked at compile
 * time: append only, never renumbered. JVE_STATUS_INVALID_ARGUMENT and
 * JVE_STATUS_OUT_OF_MEMORY exist only in the C API (the C++ API has types and
 * exceptions for those) and are kept far from the shared range. */
typedef enum jve_status {
  JVE_STATUS_OK = 0,
  /* Structure and encoding. */
  JVE_STATUS_MALFORMED = 1,
  JVE_STATUS_TOO_LARGE = 2,
  JVE_STATUS_BAD_BASE64 = 3,
  JVE_STATUS_BAD_JSON = 4,
  JVE_STATUS_DUPLICATE_MEMBER = 5,
  JVE_STATUS_TOO_DEEP = 6,
  /* Header and policy. */
  JVE_STATUS_BAD_HEADER = 7,
  JVE_STATUS_ALG_NOT_ALLOWED = 8,
  JVE_STATUS_UNSUPPORTED_CRIT = 9,
  JVE_STATUS_BAD_TYP = 10,
  JVE_STATUS_MISSING_KID = 11,
  /* Key selection. */
  JVE_STATUS_KEY_NOT_FOUND = 12,
  JVE_STATUS_AMBIGUOUS_KEY = 13,
  /* Signature. */
  JVE_STATUS_BAD_SIGNATURE = 14,
  /* Claims. */
  JVE_STATUS_EXPIRED = 15,
  JVE_STATUS_NOT_YET_VALID = 16,
  JVE_STATUS_TOO_OLD = 17,
  JVE_STATUS_ISSUED_IN_FUTURE = 18,
  JVE_STATUS_BAD_ISSUER = 19,
  JVE_STATUS_BAD_AUDIENCE = 20,
  JVE_STATUS_MISSING_CLAIM = 21,
  JVE_STATUS_BAD_CLAIM = 22,
  /* Key loading. */
  JVE_STATUS_BAD_KEY = 23,
  JVE_STATUS_WEAK_KEY = 24,
  JVE_STATUS_UNSUPPORTED_KEY = 25,
  JVE_STATUS_KEY_NOT_FOR_SIGNING = 26,
  JVE_STATUS_KEY_ALG_MISMATCH = 27,
  JVE_STATUS_INTERNAL_ERROR = 28,
  /* Authorization (jve_authorize): the token is genuine, the request is not allowed. */
  JVE_STATUS_INSUFFICIENT_SCOPE = 29,
  JVE_STATUS_FORBIDDEN = 30,
  /* Revocation: the token was revoked. */
  JVE_STATUS_REVOKED = 31,
  /* One past the last shared code (jve::Status::num_statuses). */
  JVE_STATUS_COUNT = 32,
  /* C API only. */
  JVE_STATUS_INVALID_ARGUMENT = 1000, /* NULL handle, policy not initialised, ... */
  JVE_STATUS_OUT_OF_MEMORY = 1001
} jve_status;

/* jve_status_name returns the stable snake_case name of |s| ("expired"), for
 * logs and metrics; "unknown" for a value that is not a status. Never NULL. */
const char *jve_status_name(jve_status s);

/* jve_status_message returns a one-line human description of |s| (wording
 * may change between versions); "unknown status" for other values. */
const char *jve_status_message(jve_status s);

/* ---- Algorithms ----------------------------------------------------------
 * Bits for jve_policy.algorithms. "none" has no bit: it is never accepted. */
#define JVE_ALG_HS256 (1u << 0)
#define JVE_ALG_HS384 (1u << 1)
#define JVE_ALG_HS512 (1u << 2)
#define JVE_ALG_RS256 (1u << 3)
#define JVE_ALG_RS384 (1u << 4)
#define JVE_ALG_RS512 (1u << 5)
#define JVE_ALG_PS256 (1u << 6)
#define JVE_ALG_PS384 (1u << 7)
#define JVE_ALG_PS512 (1u << 8)
#define JVE_ALG_ES256 (1u << 9)
#define JVE_ALG_ES384 (1u << 10)
#define JVE_ALG_ES512 (1u << 11)
#define JVE_ALG_EDDSA (1u << 12)
#define JVE_ALG_ALL ((1u << 13) - 1u)

/* ---- Strings ---------------------------------------------------------------
 * A borrowed byte range; NOT NUL-terminated (see the lifetimes above). */
typedef struct jve_str {
  const char *data;
  size_t len;
} jve_str;

/* ---- Key store -------------------------------------------------------------
 * The verification keys, replaceable at any time (key rotation). */
typedef struct jve_key_store jve_key_store;

/* jve_key_store_new builds a store from a JWKS ({"keys":[...]}) or a single
 * JWK of |jwks_len| bytes (need not be NUL-terminated). Keys that cannot
 * serve (weak, wrong use, unknown kty, ...) are left out, as in the C++ API,
 * and a token that asks for one of them fails with that key's status.
 *
 * Returns JVE_STATUS_OK and sets |*out|, or an error and sets |*out| to NULL:
 * bad_json / bad_key when the document is unusable, and, when the document
 * parses but not a single key is usable, the status of the first key left
 * out (weak_key, ...), or key_not_found for an empty set ({"keys":[]}); a
 * store that can verify nothing is almost always a configuration mistake.
 * These are the C++ key sources' rule and statuses (jve::parse_usable_jwks
 * in jve/key_source.h).
 *
 * |why| (may be NULL when |why_size| is 0) receives a NUL-terminated
 * sentence, truncated to |why_size| bytes: on failure, what is wrong (naming
 * the member at fault); on success, "" or the keys left out, separated by
 * "; ", each as 'key #1 (kid "old") left out: weak_key: ...', worth
 * logging. */
jve_status jve_key_store_new(const char *jwks, size_t jwks_len, jve_key_store **out,
                             char *why, size_t why_size);

/* jve_key_store_replace swaps in the keys of a new JWKS, atomically: verifies
 * in flight finish with the old keys, later ones see the new keys. On any
 * failure (same rules as jve_key_store_new) the old keys stay in place.
 * Returns once no verify can still see the old keys (a verify lasts
 * microseconds). Thread-safe. */
jve_status jve_key_store_replace(jve_key_store *store, const char *jwks, size_t jwks_len,
                                 char *why, size_t why_size);

/* jve_key_store_key_count returns the number of usable keys in the current
 * set; jve_key_store_left_out_count the number of keys the last successful
 * load left out. 0 for NULL. */
size_t jve_key_store_key_count(const jve_key_store *store);
size_t jve_key_store_left_out_count(const jve_key_store *store);

/* jve_key_store_free releases the caller's reference; verifiers built from
 * the store keep it alive. NULL is a no-op. */
void jve_key_store_free(jve_key_store *store);

/* ---- Policy ----------------------------------------------------------------
 * What a verifier accepts. Call jve_policy_init first, then change fields.
 * Strings are NUL-terminated; every array is (pointer, count), and a count of
 * 0 means an empty list whatever the pointer. Everything is copied by
 * jve_verifier_new, so the policy and what it points to may be freed after. */
#define JVE_NO_MAX_AGE (-1)

typedef struct jve_policy {
  /* sizeof(jve_policy), set by jve_policy_init: lets jve_verifier_new tell
   * an uninitialised policy (or one from another jve version) apart. */
  size_t struct_size;

  /* JVE_ALG_* bits allowed in the header's alg. Default JVE_ALG_ALL. */
  uint32_t algorithms;

  /* iss must equal one of these (exact). None: iss is not checked. */
  const char *const *issuers;
  size_t issuer_count;

  /* aud (string or array) must contain one of these. None configured and the
   * token has aud: bad_audience (RFC 7519 4.1.3), unless check_audience is 0.
   * Default: none, check_audience = 1. */
  const char *const *audiences;
  size_t audience_count;
  int check_audience;

  /* Seconds of clock skew allowed on exp, nbf and max age (>= 0). Default 0. */
  int64_t leeway_seconds;

  /* Claims that must be present. Default: {"exp"} (a static array of the
   * library); set required_claim_count = 0 to require none. */
  const char *const *required_claims;
  size_t required_claim_count;

  /* When >= 0, iat is required and may be at most this many seconds old.
   * Default JVE_NO_MAX_AGE. */
  int64_t max_age_seconds;

  /* When non-NULL and non-empty, the header's typ must match (case-
   * insensitive, optional "application/" prefix). Default NULL. */
  const char *typ;

  /* Header parameters allowed in crit (RFC 7515 4.1.11). Default none. */
  const char *const *critical_headers;
  size_t critical_header_count;

  /* Non-zero: tokens without kid are missing_kid. Default 0. */
  int require_kid;

  /* Longer tokens are too_large before any decoding (> 0). Default 16384. */
  size_t max_token_bytes;

  /* Deeper JSON nesting is too_deep. Default 64; values above 1024 clamp. */
  uint32_t max_json_depth;

  /* Current time in seconds since the epoch, called once per verify on the
   * verifying thread with |clock_arg|. Must be thread-safe and must not
   * throw or longjmp. NULL (default): the system clock. */
  int64_t (*clock)(void *clock_arg);
  void *clock_arg;
} jve_policy;

/* jve_policy_init fills |policy| with the defaults listed above. */
void jve_policy_init(jve_policy *policy);

/* ---- Verifier --------------------------------------------------------------*/
typedef struct jve_verifier jve_verifier;

/* jve_verifier_new builds a verifier from |policy| and the keys of |store|
 * (shared, so later jve_key_store_replace calls take effect). Returns
 * JVE_STATUS_OK and sets |*out|, or sets |*out| to NULL and returns
 * JVE_STATUS_INVALID_ARGUMENT (NULL argument, policy not initialised with
 * jve_policy_init, no or unknown algorithm bits, a NULL string in an array,
 * negative leeway, max_token_bytes of 0) or JVE_STATUS_OUT_OF_MEMORY, with a
 * sentence in |why| as for jve_key_store_new. */
jve_status jve_verifier_new(const jve_policy *policy, jve_key_store *store,
                            jve_verifier **out, char *why, size_t why_size);

/* ---- Verified-token cache ----------------------------------------------------
 * Opt-in: a repeated token costs a lookup (see jve/cache.h). The key is the
 * whole token; a hit re-checks exp, nbf and max age at the current clock;
 * entries stop matching when the key store is replaced; only accepted
 * tokens are cached. Memory (entries * (entry_bytes + 64)) is reserved at
 * creation. */
typedef struct jve_cache_options {
  size_t struct_size;      /* set by jve_cache_options_init */
  size_t entries;          /* default 10000; 1 to 2^24 */
  size_t max_token_bytes;  /* longer tokens are not cached; default 4096 */
  size_t entry_bytes;      /* per entry: token, payload, parsed form; default 3072 */
} jve_cache_options;

/* jve_cache_options_init fills |options| with the defaults listed above. */
void jve_cache_options_init(jve_cache_options *options);

/* jve_verifier_new_cached is jve_verifier_new with a verified-token cache
 * (|cache| NULL: none). Also JVE_STATUS_INVALID_ARGUMENT for cache options
 * not initialised with jve_cache_options_init or out of range. */
jve_status jve_verifier_new_cached(const jve_policy *policy, jve_key_store *store,
                                   const jve_cache_options *cache, jve_verifier **out,
                                   char *why, size_t why_size);

/* jve_verifier_free: NULL is a no-op. No verify may be running with it. */
void jve_verifier_free(jve_verifier *verifier);

/* ---- Scratch ----------------------------------------------------------------
 * One thread's decode buffers and JSON parsers, plus the claims of the last
 * token it verified. Reuse it for every token of that thread. */
typedef struct jve_scratch jve_scratch;

/* jve_scratch_new returns a new scratch, or NULL when out of memory. */
jve_scratch *jve_scratch_new(void);
/* jve_scratch_free: NULL is a no-op. Invalidates its claims. */
void jve_scratch_free(jve_scratch *scratch);

/* ---- Verify ---------------------------------------------------------------- */
typedef struct jve_claims jve_claims;

/* jve_verify checks |token| (|token_len| bytes, compact JWS carrying a JWT;
 * need not be NUL-terminated) against the verifier's policy and the current
 * keys of its store. Returns JVE_STATUS_OK, or the most specific error
 * status; JVE_STATUS_INVALID_ARGUMENT when |verifier| or |scratch| is NULL,
 * or |token| is NULL with a non-zero length (NULL with length 0 is an empty
 * token: malformed).
 *
 * On success, when |claims| is not NULL, sets |*claims| to the verified
 * claims held in |scratch|; on failure sets it to NULL.
 * WARNING: the claims point into |scratch| and |token|: see the lifetimes at
 * the top of this file. The next jve_verify with |scratch| invalidates them,
 * whatever its result. */
jve_status jve_verify(const jve_verifier *verifier, jve_scratch *scratch, const char *token,
                      size_t token_len, const jve_claims **claims);

/* ---- Claims ------------------------------------------------------------------
 * Accessors of a verified token. Each returns 1 and writes |*out| when the
 * value is present with the right JSON type, else 0 and leaves |*out|
 * untouched. |claims|, |name| or |out| NULL: 0. Never allocate. */

/* Registered claims (already type-checked by the verifier). exp, nbf and iat
 * are JSON numbers and may be non-integers; read them with
 * jve_claims_get_int for an integral value. */
int jve_claims_iss(const jve_claims *claims, jve_str *out);
int jve_claims_sub(const jve_claims *claims, jve_str *out);
int jve_claims_jti(const jve_claims *claims, jve_str *out);
int jve_claims_exp(const jve_claims *claims, double *out);
int jve_claims_nbf(const jve_claims *claims, double *out);
int jve_claims_iat(const jve_claims *claims, double *out);

/* aud: a string counts as one entry. jve_claims_audience returns 0 when
 * |index| >= jve_claims_audience_count or that entry is not a string. */
size_t jve_claims_audience_count(const jve_claims *claims);
int jve_claims_audience(const jve_claims *claims, size_t index, jve_str *out);

/* Any top-level claim by name (NUL-terminated, exact). */
typedef enum jve_claim_type {
  JVE_CLAIM_ABSENT = 0,
  JVE_CLAIM_STRING = 1,
  JVE_CLAIM_NUMBER = 2,
  JVE_CLAIM_BOOLEAN = 3,
  JVE_CLAIM_NULL = 4,
  JVE_CLAIM_ARRAY = 5,
  JVE_CLAIM_OBJECT = 6
} jve_claim_type;

/* jve_claims_type: JVE_CLAIM_ABSENT also for NULL arguments. */
jve_claim_type jve_claims_type(const jve_claims *claims, const char *name);
int jve_claims_get_string(const jve_claims *claims, const char *name, jve_str *out);
/* jve_claims_get_int: only integral JSON numbers within int64_t ("5", not
 * "5.0" nor "5e0"). */
int jve_claims_get_int(const jve_claims *claims, const char *name, int64_t *out);
/* jve_claims_get_number: any JSON number, as a double. */
int jve_claims_get_number(const jve_claims *claims, const char *name, double *out);
/* jve_claims_get_bool: writes 1 or 0. */
int jve_claims_get_bool(const jve_claims *claims, const char *name, int *out);

/* jve_claims_payload_json: the decoded payload JSON, exactly as signed (for
 * claims that are arrays or objects, parse it with your JSON library). */
int jve_claims_payload_json(const jve_claims *claims, jve_str *out);

/* Header: alg is always present after a successful verify. */
/* jve_claims_alg returns the header's alg ("ES256"), static; NULL for NULL. */
const char *jve_claims_alg(const jve_claims *claims);
int jve_claims_kid(const jve_claims *claims, jve_str *out);
int jve_claims_typ(const jve_claims *claims, jve_str *out);
/* jve_claims_header_json: the decoded header JSON. */
int jve_claims_header_json(const jve_claims *claims, jve_str *out);

/* ---- Authorization ----------------------------------------------------------
 * A requirement (scopes, claims, request bindings, all_of / any_of) compiled
 * once from a JSON document (README "Authorization"), evaluated against the
 * claims of a verified token. The token is genuine either way: a failure is
 * HTTP 403 (insufficient_scope or forbidden), never 401.
 *
 *   jve_requirement *req = NULL;
 *   if (jve_requirement_new(doc, doc_len, &req, why, sizeof why) != JVE_STATUS_OK)
 *     die(why);
 *   ...
 *   jve_request_value values[] = {{{"tenant", 6}, {tenant, tenant_len}}};
 *   jve_str message, scope;
 *   jve_status s = jve_authorize(claims, req, values, 1, &message, &scope);
 *   if (s != JVE_STATUS_OK) return reject(403, message.data, message.len);
 *
 * Immutable once built: any number of threads may authorize with one. */
typedef struct jve_requirement jve_requirement;

/* jve_requirement_new compiles the requirement document of |json_len| bytes
 * (need not be NUL-terminated; copied). Returns JVE_STATUS_OK and sets
 * |*out|, or sets |*out| to NULL and returns bad_json, duplicate_member or
 * too_deep with a sentence naming the place ("requirement at /all_of/1/claim:
 * ...") in |why|, as for jve_key_store_new; JVE_STATUS_INVALID_ARGUMENT for
 * NULL arguments. */
jve_status jve_requirement_new(const char *json, size_t json_len, jve_requirement **out,
                               char *why, size_t why_size);

/* jve_requirement_free: NULL is a no-op. Invalidates the messages
 * jve_authorize returned for it. */
void jve_requirement_free(jve_requirement *requirement);

/* jve_requirement_describe: the requirement as one line of text; points into
 * |requirement|. 0 for NULL arguments. */
int jve_requirement_describe(const jve_requirement *requirement, jve_str *out);

/* A per-request value a requirement binds a claim to ("equals_request"),
 * e.g. the tenant of the URL. Borrowed for the call only. */
typedef struct jve_request_value {
  jve_str name;
  jve_str value;
} jve_request_value;

/* The most request values jve_authorize takes in one call. */
#define JVE_MAX_REQUEST_VALUES 32

/* jve_authorize evaluates |requirement| against |claims| (from a successful
 * jve_verify) with |value_count| request values. Returns JVE_STATUS_OK,
 * JVE_STATUS_INSUFFICIENT_SCOPE (a required scope is not granted) or
 * JVE_STATUS_FORBIDDEN (another requirement is not met; also for claims of a
 * failed verify); JVE_STATUS_INVALID_ARGUMENT for a NULL |requirement|, NULL
 * |values| with a count, a NULL name or value with a length, or more than
 * JVE_MAX_REQUEST_VALUES values.
 * On a failure |message| (may be NULL) receives the requirement that failed
 * ('scope "orders:write" is not granted'), and |scope| (may be NULL), for
 * insufficient_scope, the scopes of the failed scope requirement, space-
 * separated (RFC 6750 §3 scope attribute); both are set to empty on success.
 * They point into |requirement| and live as long as it does.
 * Never allocates. */
jve_status jve_authorize(const jve_claims *claims, const jve_requirement *requirement,
                         const jve_request_value *values, size_t value_count, jve_str *message,
                         jve_str *scope);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* JVE_JVE_H_ */
