/* c_api_test.c: the C API (jve/jve.h), from C11.
 *
 * Keys and tokens come from c_api_fixture.h, generated at build time by
 * tests/c/make_c_api_fixture.cc with the testkit. The clock is injected
 * (JVE_FIX_NOW); nothing reads the wall clock.
 *
 *   jve_c_api_test            runs every case
 *   jve_c_api_test CASE...    runs the named cases (CTest runs one each)
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_api_fixture.h"
#include "jve/jve.h"

static int g_failures;

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++g_failures;                                                       \
    }                                                                     \
  } while (0)

#define CHECK_STATUS(expr, want)                                               \
  do {                                                                         \
    jve_status got_ = (expr);                                                  \
    if (got_ != (want)) {                                                      \
      fprintf(stderr, "%s:%d: %s gave %s (%d), want %s (%d)\n", __FILE__, __LINE__, \
              #expr, jve_status_name(got_), (int)got_, jve_status_name(want),   \
              (int)(want));                                                    \
      ++g_failures;                                                            \
    }                                                                          \
  } while (0)

/* jve_str equals a C string (byte for byte, no NUL terminator in |s|). */
static int str_is(jve_str s, const char *want) {
  size_t n = strlen(want);
  return s.len == n && (n == 0 || memcmp(s.data, want, n) == 0);
}

static int str_contains(jve_str s, const char *needle) {
  size_t n = strlen(needle);
  size_t i;
  if (n > s.len) return 0;
  for (i = 0; i + n <= s.len; ++i)
    if (memcmp(s.data + i, needle, n) == 0) return 1;
  return 0;
}

static int64_t fixed_clock(void *arg) { return *(const int64_t *)arg; }

static int64_t g_now = JVE_FIX_NOW;

/* The policy the fixture tokens satisfy: their issuer, audience "api", the
 * fixture's clock. Callers change one field to provoke one failure. */
static const char *const kIssuers[] = {JVE_FIX_ISS};
static const char *const kAudiences[] = {"api"};

static void base_policy(jve_policy *p) {
  jve_policy_init(p);
  p->issuers = kIssuers;
  p->issuer_count = 1;
  p->audiences = kAudiences;
  p->audience_count = 1;
  p->clock = fixed_clock;
  p->clock_arg = &g_now;
}

static jve_key_store *new_store(const char *jwks) {
  char why[256];
  jve_key_store *store = NULL;
  jve_status s = jve_key_store_new(jwks, strlen(jwks), &store, why, sizeof why);
  if (s != JVE_STATUS_OK) {
    fprintf(stderr, "jve_key_store_new: %s: %s\n", jve_status_name(s), why);
    ++g_failures;
  }
  return store;
}

static jve_verifier *new_verifier(const jve_policy *p, jve_key_store *store) {
  char why[256];
  jve_verifier *v = NULL;
  jve_status s = jve_verifier_new(p, store, &v, why, sizeof why);
  if (s != JVE_STATUS_OK) {
    fprintf(stderr, "jve_verifier_new: %s: %s\n", jve_status_name(s), why);
    ++g_failures;
  }
  return v;
}

/* verify_with builds a verifier for |p| over JWKS A and verifies |token|. */
static jve_status verify_with(const jve_policy *p, const char *token) {
  jve_key_store *store = new_store(JVE_FIX_JWKS_A);
  jve_verifier *v = new_verifier(p, store);
  jve_scratch *scratch = jve_scratch_new();
  const jve_claims *claims = (const jve_claims *)&g_now; /* must be reset */
  jve_status s = jve_verify(v, scratch, token, strlen(token), &claims);
  if (s != JVE_STATUS_OK) CHECK(claims == NULL);
  if (s == JVE_STATUS_OK) CHECK(claims != NULL);
  jve_scratch_free(scratch);
  jve_verifier_free(v);
  jve_key_store_free(store);
  return s;
}

/* ---- Cases ---------------------------------------------------------------- */

static void status_names(void) {
  /* The stable names, in number order: they land in logs and metrics. */
  static const char *const kNames[] = {
      "ok", "malformed", "too_large", "bad_base64", "bad_json", "duplicate_member",
      "too_deep", "bad_header", "alg_not_allowed", "unsupported_crit", "bad_typ",
      "missing_kid", "key_not_found", "ambiguous_key", "bad_signature", "expired",
      "not_yet_valid", "too_old", "issued_in_future", "bad_issuer", "bad_audience",
      "missing_claim", "bad_claim", "bad_key", "weak_key", "unsupported_key",
      "key_not_for_signing", "key_alg_mismatch", "internal_error", "insufficient_scope",
      "forbidden", "revoked"};
  int i;
  CHECK(sizeof kNames / sizeof kNames[0] == JVE_STATUS_COUNT);
  for (i = 0; i < JVE_STATUS_COUNT; ++i) {
    const char *name = jve_status_name((jve_status)i);
    const char *message = jve_status_message((jve_status)i);
    CHECK(name != NULL && strcmp(name, kNames[i]) == 0);
    CHECK(message != NULL && strlen(message) > 5 && strcmp(message, "unknown status") != 0);
    if (name == NULL || strcmp(name, kNames[i]) != 0)
      fprintf(stderr, "  status %d: got %s, want %s\n", i, name ? name : "(null)", kNames[i]);
  }
  CHECK(JVE_STATUS_EXPIRED == 15 && JVE_STATUS_BAD_SIGNATURE == 14);
  CHECK(strcmp(jve_status_name(JVE_STATUS_INVALID_ARGUMENT), "invalid_argument") == 0);
  CHECK(strcmp(jve_status_name(JVE_STATUS_OUT_OF_MEMORY), "out_of_memory") == 0);
  CHECK(strcmp(jve_status_message(JVE_STATUS_OUT_OF_MEMORY), "out of memory") == 0);
  CHECK(strlen(jve_status_message(JVE_STATUS_INVALID_ARGUMENT)) > 5);
  CHECK(strcmp(jve_status_name(JVE_STATUS_COUNT), "unknown") == 0);
  CHECK(strcmp(jve_status_name((jve_status)-1), "unknown") == 0);
  CHECK(strcmp(jve_status_name((jve_status)999), "unknown") == 0);
  CHECK(strcmp(jve_status_message((jve_status)12345), "unknown status") == 0);
}

static void version(void) {
  CHECK(strcmp(jve_version(), JVE_VERSION_STRING) == 0);
  CHECK(jve_version_number() == JVE_VERSION_NUMBER);
  CHECK(JVE_VERSION_NUMBER == JVE_VERSION_MAJOR * 10000 + JVE_VERSION_MINOR * 100 + JVE_VERSION_PATCH);
}

static void policy_defaults(void) {
  jve_policy p;
  memset(&p, 0xAB, sizeof p);
  jve_policy_init(&p);
  CHECK(p.struct_size == sizeof p);
  CHECK(p.algorithms == JVE_ALG_ALL);
  CHECK(p.issuer_count == 0 && p.audience_count == 0 && p.critical_header_count == 0);
  CHECK(p.check_audience == 1);
  CHECK(p.leeway_seconds == 0);
  CHECK(p.required_claim_count == 1 && strcmp(p.required_claims[0], "exp") == 0);
  CHECK(p.max_age_seconds == JVE_NO_MAX_AGE);
  CHECK(p.typ == NULL);
  CHECK(p.require_kid == 0);
  CHECK(p.max_token_bytes == 16384);
  CHECK(p.max_json_depth == 64);
  CHECK(p.clock == NULL && p.clock_arg == NULL);
  jve_policy_init(NULL); /* no crash */
}

static void ok_path_with_claims(void) {
  jve_policy p;
  jve_key_store *store = new_store(JVE_FIX_JWKS_A);
  jve_verifier *v;
  jve_scratch *scratch = jve_scratch_new();
  const jve_claims *c = NULL;
  const char *token = JVE_FIX_TOK_OK;
  jve_str s;
  double d;
  int64_t i;
  int b;

  base_policy(&p);
  v = new_verifier(&p, store);
  CHECK(scratch != NULL);
  CHECK_STATUS(jve_verify(v, scratch, token, strlen(token), &c), JVE_STATUS_OK);
  CHECK(c != NULL);
  if (c == NULL) goto done;

  CHECK(jve_claims_iss(c, &s) && str_is(s, JVE_FIX_ISS));
  CHECK(jve_claims_sub(c, &s) && str_is(s, "alice"));
  CHECK(jve_claims_jti(c, &s) && str_is(s, "id-1"));
  CHECK(jve_claims_exp(c, &d) && d == (double)(JVE_FIX_NOW + 3600));
  CHECK(jve_claims_nbf(c, &d) && d == (double)(JVE_FIX_NOW - 60));
  CHECK(jve_claims_iat(c, &d) && d == (double)(JVE_FIX_NOW - 60));
  CHECK(jve_claims_audience_count(c) == 2);
  CHECK(jve_claims_audience(c, 0, &s) && str_is(s, "api"));
  CHECK(jve_claims_audience(c, 1, &s) && str_is(s, "web"));
  CHECK(!jve_claims_audience(c, 2, &s));

  /* Any claim by name, with its type. */
  CHECK(jve_claims_get_string(c, "scope", &s) && str_is(s, "read write"));
  CHECK(jve_claims_get_int(c, "n", &i) && i == 42);
  CHECK(jve_claims_get_int(c, "neg", &i) && i == -7);
  CHECK(jve_claims_get_int(c, "exp", &i) && i == JVE_FIX_NOW + 3600);
  CHECK(jve_claims_get_number(c, "f", &d) && d == 1.5);
  CHECK(jve_claims_get_number(c, "n", &d) && d == 42.0);
  CHECK(jve_claims_get_bool(c, "admin", &b) && b == 1);
  CHECK(jve_claims_get_bool(c, "off", &b) && b == 0);
  CHECK(jve_claims_type(c, "scope") == JVE_CLAIM_STRING);
  CHECK(jve_claims_type(c, "f") == JVE_CLAIM_NUMBER);
  CHECK(jve_claims_type(c, "admin") == JVE_CLAIM_BOOLEAN);
  CHECK(jve_claims_type(c, "nothing") == JVE_CLAIM_NULL);
  CHECK(jve_claims_type(c, "list") == JVE_CLAIM_ARRAY);
  CHECK(jve_claims_type(c, "obj") == JVE_CLAIM_OBJECT);
  CHECK(jve_claims_type(c, "absent") == JVE_CLAIM_ABSENT);
  /* Escapes are decoded; an escaped NUL stays inside the string. */
  CHECK(jve_claims_get_string(c, "esc", &s) && s.len == 3 && memcmp(s.data, "a\0b", 3) == 0);
  CHECK(jve_claims_get_string(c, "uni", &s) && str_is(s, "caf\xc3\xa9"));

  /* Wrong type or absent: 0, and |out| untouched. */
  s.data = "sentinel";
  s.len = 8;
  CHECK(!jve_claims_get_string(c, "n", &s) && str_is(s, "sentinel"));
  CHECK(!jve_claims_get_string(c, "absent", &s));
  i = 99;
  CHECK(!jve_claims_get_int(c, "f", &i) && i == 99); /* 1.5 is not integral */
  CHECK(!jve_claims_get_int(c, "scope", &i));
  CHECK(!jve_claims_get_number(c, "scope", &d));
  CHECK(!jve_claims_get_bool(c, "n", &b));

  /* Raw payload and header. */
  CHECK(jve_claims_payload_json(c, &s) && s.len > 0 && s.data[0] == '{' &&
        str_contains(s, "\"sub\":\"alice\"") && str_contains(s, "\"obj\":{\"k\":[1,2]}"));
  CHECK(jve_claims_alg(c) != NULL && strcmp(jve_claims_alg(c), "ES256") == 0);
  CHECK(jve_claims_kid(c, &s) && str_is(s, "a"));
  CHECK(jve_claims_typ(c, &s) && str_is(s, "JWT"));
  CHECK(jve_claims_header_json(c, &s) && str_contains(s, "\"alg\":\"ES256\""));

  /* Another algorithm through the same verifier and scratch. */
  token = JVE_FIX_TOK_RS;
  CHECK_STATUS(jve_verify(v, scratch, token, strlen(token), &c), JVE_STATUS_OK);
  CHECK(c != NULL && strcmp(jve_claims_alg(c), "RS256") == 0);
  CHECK(jve_claims_kid(c, &s) && str_is(s, "r"));
  CHECK(!jve_claims_get_string(c, "scope", &s)); /* this token has no scope */

  /* claims may be NULL when the caller only wants the verdict. */
  CHECK_STATUS(jve_verify(v, scratch, token, strlen(token), NULL), JVE_STATUS_OK);

  /* The token need not be NUL-terminated: a copy without terminator. */
  {
    size_t n = strlen(JVE_FIX_TOK_OK);
    char *copy = (char *)malloc(n);
    CHECK(copy != NULL);
    if (copy != NULL) {
      memcpy(copy, JVE_FIX_TOK_OK, n);
      CHECK_STATUS(jve_verify(v, scratch, copy, n, &c), JVE_STATUS_OK);
      CHECK(jve_claims_sub(c, &s) && str_is(s, "alice"));
      free(copy);
    }
  }

done:
  jve_scratch_free(scratch);
  jve_verifier_free(v);
  jve_key_store_free(store);
}

static void failure_statuses(void) {
  jve_policy p;
  static const char *const kOtherAudience[] = {"other"};
  static const char *const kRequireScope2[] = {"exp", "scope2"};
  char big[20000];

  base_policy(&p);
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_OK);
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_BAD_SIG), JVE_STATUS_BAD_SIGNATURE);
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_EXPIRED), JVE_STATUS_EXPIRED);
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_WRONG_ISS), JVE_STATUS_BAD_ISSUER);
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_UNKNOWN_KID), JVE_STATUS_KEY_NOT_FOUND);
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_B), JVE_STATUS_KEY_NOT_FOUND);
  CHECK_STATUS(verify_with(&p, ""), JVE_STATUS_MALFORMED);
  CHECK_STATUS(verify_with(&p, "abc"), JVE_STATUS_MALFORMED);
  CHECK_STATUS(verify_with(&p, "a.b"), JVE_STATUS_MALFORMED);
  CHECK_STATUS(verify_with(&p, "a.b.c.d.e"), JVE_STATUS_MALFORMED);
  CHECK_STATUS(verify_with(&p, "e30=.e30.AAAA"), JVE_STATUS_BAD_BASE64);
  CHECK_STATUS(verify_with(&p, "bm90IGpzb24.e30.AAAA"), JVE_STATUS_BAD_JSON);

  /* Too large: decided on the length, before any decoding. */
  memset(big, 'A', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  big[100] = '.';
  big[200] = '.';
  CHECK_STATUS(verify_with(&p, big), JVE_STATUS_TOO_LARGE);
  p.max_token_bytes = 32;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_TOO_LARGE);
  p.max_token_bytes = sizeof big;
  CHECK_STATUS(verify_with(&p, big), JVE_STATUS_BAD_JSON); /* now decoded: zero bytes */

  /* One policy field at a time. */
  base_policy(&p);
  p.algorithms = JVE_ALG_RS256;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_ALG_NOT_ALLOWED);
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_RS), JVE_STATUS_OK);

  base_policy(&p);
  p.audiences = kOtherAudience;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_BAD_AUDIENCE);
  p.audience_count = 0; /* no audience configured and the token has aud */
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_BAD_AUDIENCE);
  p.check_audience = 0;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_OK);

  base_policy(&p);
  p.issuer_count = 0; /* iss unchecked */
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_WRONG_ISS), JVE_STATUS_OK);

  base_policy(&p);
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_NO_KID), JVE_STATUS_OK);
  p.require_kid = 1;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_NO_KID), JVE_STATUS_MISSING_KID);
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_OK);

  base_policy(&p);
  p.typ = "at+jwt";
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_BAD_TYP);
  p.typ = "application/JWT"; /* case-insensitive, optional prefix */
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_OK);
  p.typ = "";
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_OK);

  base_policy(&p);
  p.max_age_seconds = 30; /* iat is now - 60 */
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_TOO_OLD);
  p.leeway_seconds = 30;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_OK);
  p.max_age_seconds = 0;
  p.leeway_seconds = 0;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_TOO_OLD);

  base_policy(&p);
  p.required_claims = kRequireScope2;
  p.required_claim_count = 2;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_MISSING_CLAIM);
  p.required_claim_count = 1;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_OK);

  base_policy(&p);
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_DEEP), JVE_STATUS_OK);
  p.max_json_depth = 3; /* {"d":{"d":{"d":{"d":1}}}} is 5 deep */
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_DEEP), JVE_STATUS_TOO_DEEP);

  /* The clock callback decides exp / nbf; leeway widens both. */
  base_policy(&p);
  g_now = JVE_FIX_NOW + 3600;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_EXPIRED);
  p.leeway_seconds = 1;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_OK);
  g_now = JVE_FIX_NOW - 61;
  p.leeway_seconds = 0;
  CHECK_STATUS(verify_with(&p, JVE_FIX_TOK_OK), JVE_STATUS_NOT_YET_VALID);
  g_now = JVE_FIX_NOW;

  /* A token from a key the loader left out fails with that key's status. */
  {
    jve_key_store *store = new_store(JVE_FIX_JWKS_MIXED);
    jve_verifier *v;
    jve_scratch *scratch = jve_scratch_new();
    base_policy(&p);
    v = new_verifier(&p, store);
    CHECK_STATUS(jve_verify(v, scratch, JVE_FIX_TOK_WEAK_KID, strlen(JVE_FIX_TOK_WEAK_KID), NULL),
                 JVE_STATUS_WEAK_KEY);
    CHECK_STATUS(jve_verify(v, scratch, JVE_FIX_TOK_OK, strlen(JVE_FIX_TOK_OK), NULL),
                 JVE_STATUS_OK);
    jve_scratch_free(scratch);
    jve_verifier_free(v);
    jve_key_store_free(store);
  }
}

static void failed_verify_clears_claims(void) {
  jve_policy p;
  jve_key_store *store = new_store(JVE_FIX_JWKS_A);
  jve_verifier *v;
  jve_scratch *scratch = jve_scratch_new();
  const jve_claims *c = NULL;
  base_policy(&p);
  v = new_verifier(&p, store);
  CHECK_STATUS(jve_verify(v, scratch, JVE_FIX_TOK_OK, strlen(JVE_FIX_TOK_OK), &c), JVE_STATUS_OK);
  CHECK(c != NULL);
  CHECK_STATUS(jve_verify(v, scratch, JVE_FIX_TOK_EXPIRED, strlen(JVE_FIX_TOK_EXPIRED), &c),
               JVE_STATUS_EXPIRED);
  CHECK(c == NULL);
  jve_scratch_free(scratch);
  jve_verifier_free(v);
  jve_key_store_free(store);
}

static void bad_jwks_reported(void) {
  char why[512];
  char tiny[8];
  jve_key_store *store = new_store(JVE_FIX_JWKS_A); /* overwritten: must become NULL */
  jve_key_store *keep = store;
  const char *text;

  text = "{not json";
  CHECK_STATUS(jve_key_store_new(text, strlen(text), &store, why, sizeof why), JVE_STATUS_BAD_JSON);
  CHECK(store == NULL);
  CHECK(strlen(why) > 0);
  jve_key_store_free(keep);

  /* An empty set: key_not_found, as the C++ key sources answer (one rule,
   * jve::parse_usable_jwks), for a new store and for a replacement alike. */
  text = "{\"keys\":[]}";
  CHECK_STATUS(jve_key_store_new(text, strlen(text), &store, why, sizeof why), JVE_STATUS_KEY_NOT_FOUND);
  CHECK(store == NULL && strstr(why, "no keys") != NULL);
  keep = new_store(JVE_FIX_JWKS_A);
  CHECK_STATUS(jve_key_store_replace(keep, text, strlen(text), why, sizeof why), JVE_STATUS_KEY_NOT_FOUND);
  CHECK(jve_key_store_key_count(keep) == 2);
  jve_key_store_free(keep);

  text = "{\"keys\":{}}";
  CHECK(jve_key_store_new(text, strlen(text), &store, why, sizeof why) != JVE_STATUS_OK);
  CHECK(store == NULL && strlen(why) > 0);

  /* Parses, but no key is usable: the left-out key's own status. */
  text = JVE_FIX_JWKS_WEAK;
  CHECK_STATUS(jve_key_store_new(text, strlen(text), &store, why, sizeof why), JVE_STATUS_WEAK_KEY);
  CHECK(store == NULL);
  CHECK(strstr(why, "no usable key") != NULL && strstr(why, "old") != NULL);

  /* The message is truncated to the buffer, always NUL-terminated. */
  text = "{not json";
  memset(tiny, 'x', sizeof tiny);
  CHECK_STATUS(jve_key_store_new(text, strlen(text), &store, tiny, sizeof tiny), JVE_STATUS_BAD_JSON);
  CHECK(tiny[sizeof tiny - 1] == '\0' && strlen(tiny) == sizeof tiny - 1);
  CHECK_STATUS(jve_key_store_new(text, strlen(text), &store, NULL, 0), JVE_STATUS_BAD_JSON);
  /* Only |len| bytes are read: a valid JWKS cut short is bad JSON. */
  text = JVE_FIX_JWKS_A;
  CHECK_STATUS(jve_key_store_new(text, strlen(text) - 1, &store, why, sizeof why), JVE_STATUS_BAD_JSON);
  CHECK(store == NULL);

  /* Some keys usable: success, with the left-out ones named in |why|. */
  text = JVE_FIX_JWKS_MIXED;
  CHECK_STATUS(jve_key_store_new(text, strlen(text), &store, why, sizeof why), JVE_STATUS_OK);
  CHECK(store != NULL);
  /* One jve::describe_left_out line per left-out key. */
  CHECK(strncmp(why, "key #0 (kid \"old\") left out: weak_key: ", 39) == 0);
  CHECK(jve_key_store_key_count(store) == 1);
  CHECK(jve_key_store_left_out_count(store) == 1);
  jve_key_store_free(store);

  /* Clean set: |why| is emptied. */
  text = JVE_FIX_JWKS_A;
  strcpy(why, "stale");
  store = NULL;
  CHECK_STATUS(jve_key_store_new(text, strlen(text), &store, why, sizeof why), JVE_STATUS_OK);
  CHECK(why[0] == '\0');
  CHECK(jve_key_store_key_count(store) == 2 && jve_key_store_left_out_count(store) == 0);
  jve_key_store_free(store);
}

static void key_replacement(void) {
  jve_policy p;
  char why[256];
  jve_key_store *store = new_store(JVE_FIX_JWKS_A);
  jve_verifier *v;
  jve_scratch *scratch = jve_scratch_new();
  const char *a = JVE_FIX_TOK_OK, *b = JVE_FIX_TOK_B;
  const jve_claims *c = NULL;
  jve_str s;

  base_policy(&p);
  v = new_verifier(&p, store);
  CHECK_STATUS(jve_verify(v, scratch, a, strlen(a), NULL), JVE_STATUS_OK);
  CHECK_STATUS(jve_verify(v, scratch, b, strlen(b), NULL), JVE_STATUS_KEY_NOT_FOUND);

  /* Rotate to B: the same verifier sees the new keys at once. */
  CHECK_STATUS(jve_key_store_replace(store, JVE_FIX_JWKS_B, strlen(JVE_FIX_JWKS_B), why, sizeof why),
               JVE_STATUS_OK);
  CHECK(jve_key_store_key_count(store) == 1);
  CHECK_STATUS(jve_verify(v, scratch, b, strlen(b), &c), JVE_STATUS_OK);
  CHECK(c != NULL && strcmp(jve_claims_alg(c), "EdDSA") == 0 && jve_claims_kid(c, &s) && str_is(s, "b"));
  CHECK_STATUS(jve_verify(v, scratch, a, strlen(a), NULL), JVE_STATUS_KEY_NOT_FOUND);

  /* A bad replacement keeps the last good set. */
  CHECK_STATUS(jve_key_store_replace(store, "[1,2", 4, why, sizeof why), JVE_STATUS_BAD_JSON);
  CHECK(strlen(why) > 0);
  CHECK_STATUS(jve_key_store_replace(store, JVE_FIX_JWKS_WEAK, strlen(JVE_FIX_JWKS_WEAK), why,
                                     sizeof why),
               JVE_STATUS_WEAK_KEY);
  CHECK_STATUS(jve_verify(v, scratch, b, strlen(b), NULL), JVE_STATUS_OK);
  CHECK(jve_key_store_key_count(store) == 1);

  /* Both sets at once. */
  CHECK_STATUS(jve_key_store_replace(store, JVE_FIX_JWKS_AB, strlen(JVE_FIX_JWKS_AB), why, sizeof why),
               JVE_STATUS_OK);
  CHECK(why[0] == '\0');
  CHECK(jve_key_store_key_count(store) == 3);
  CHECK_STATUS(jve_verify(v, scratch, a, strlen(a), NULL), JVE_STATUS_OK);
  CHECK_STATUS(jve_verify(v, scratch, b, strlen(b), NULL), JVE_STATUS_OK);

  /* The verifier shares the store: freeing the caller's handle is fine. */
  jve_key_store_free(store);
  CHECK_STATUS(jve_verify(v, scratch, b, strlen(b), NULL), JVE_STATUS_OK);

  jve_scratch_free(scratch);
  jve_verifier_free(v);
}

static void null_arguments(void) {
  jve_policy p;
  char why[256];
  jve_key_store *store = new_store(JVE_FIX_JWKS_A);
  jve_verifier *v = NULL;
  jve_scratch *scratch = jve_scratch_new();
  const jve_claims *c = (const jve_claims *)&g_now;
  const char *tok = JVE_FIX_TOK_OK;
  const char *jwks = JVE_FIX_JWKS_A;
  static const char *const kWithNull[] = {"a", NULL};
  jve_str s;
  double d;
  int64_t i;
  int b;

  /* Key store. */
  {
    jve_key_store *none = store; /* must be reset to NULL */
    CHECK_STATUS(jve_key_store_new(NULL, 10, &none, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
    CHECK(none == NULL && strlen(why) > 0);
  }
  CHECK_STATUS(jve_key_store_new(jwks, strlen(jwks), NULL, why, sizeof why),
               JVE_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(jve_key_store_replace(NULL, jwks, strlen(jwks), why, sizeof why),
               JVE_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(jve_key_store_replace(store, NULL, 3, NULL, 0), JVE_STATUS_INVALID_ARGUMENT);
  CHECK(jve_key_store_key_count(NULL) == 0 && jve_key_store_left_out_count(NULL) == 0);

  /* Verifier and policy. */
  base_policy(&p);
  CHECK_STATUS(jve_verifier_new(NULL, store, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(jve_verifier_new(&p, NULL, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(jve_verifier_new(&p, store, NULL, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  CHECK(v == NULL);
  {
    jve_policy raw; /* never initialised */
    memset(&raw, 0, sizeof raw);
    CHECK_STATUS(jve_verifier_new(&raw, store, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
    CHECK(v == NULL && strstr(why, "jve_policy_init") != NULL);
  }
  base_policy(&p);
  p.algorithms = 0;
  CHECK_STATUS(jve_verifier_new(&p, store, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(why, "algorithms") != NULL);
  p.algorithms = JVE_ALG_ALL | (1u << 20);
  CHECK_STATUS(jve_verifier_new(&p, store, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  base_policy(&p);
  p.issuers = NULL; /* count stays 1 */
  CHECK_STATUS(jve_verifier_new(&p, store, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(why, "issuers") != NULL);
  base_policy(&p);
  p.audiences = kWithNull;
  p.audience_count = 2;
  CHECK_STATUS(jve_verifier_new(&p, store, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(why, "audiences[1]") != NULL);
  base_policy(&p);
  p.required_claims = NULL;
  p.required_claim_count = 0; /* count 0: the pointer is not read */
  CHECK_STATUS(jve_verifier_new(&p, store, &v, why, sizeof why), JVE_STATUS_OK);
  jve_verifier_free(v);
  v = NULL;
  base_policy(&p);
  p.leeway_seconds = -1;
  CHECK_STATUS(jve_verifier_new(&p, store, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  base_policy(&p);
  p.max_age_seconds = -5;
  CHECK_STATUS(jve_verifier_new(&p, store, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  base_policy(&p);
  p.max_token_bytes = 0;
  CHECK_STATUS(jve_verifier_new(&p, store, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  CHECK(v == NULL);

  /* Verify. */
  base_policy(&p);
  v = new_verifier(&p, store);
  CHECK_STATUS(jve_verify(NULL, scratch, tok, strlen(tok), &c), JVE_STATUS_INVALID_ARGUMENT);
  CHECK(c == NULL);
  CHECK_STATUS(jve_verify(v, NULL, tok, strlen(tok), &c), JVE_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(jve_verify(v, scratch, NULL, 5, &c), JVE_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(jve_verify(v, scratch, NULL, 0, &c), JVE_STATUS_MALFORMED);

  /* Claims accessors on NULL claims or NULL out: 0, no crash. */
  CHECK(!jve_claims_iss(NULL, &s) && !jve_claims_sub(NULL, &s) && !jve_claims_jti(NULL, &s));
  CHECK(!jve_claims_exp(NULL, &d) && !jve_claims_nbf(NULL, &d) && !jve_claims_iat(NULL, &d));
  CHECK(jve_claims_audience_count(NULL) == 0 && !jve_claims_audience(NULL, 0, &s));
  CHECK(jve_claims_type(NULL, "sub") == JVE_CLAIM_ABSENT);
  CHECK(!jve_claims_get_string(NULL, "sub", &s) && !jve_claims_get_int(NULL, "n", &i));
  CHECK(!jve_claims_get_number(NULL, "n", &d) && !jve_claims_get_bool(NULL, "b", &b));
  CHECK(!jve_claims_payload_json(NULL, &s) && !jve_claims_header_json(NULL, &s));
  CHECK(jve_claims_alg(NULL) == NULL && !jve_claims_kid(NULL, &s) && !jve_claims_typ(NULL, &s));
  CHECK_STATUS(jve_verify(v, scratch, tok, strlen(tok), &c), JVE_STATUS_OK);
  CHECK(!jve_claims_get_string(c, NULL, &s) && !jve_claims_get_string(c, "sub", NULL));
  CHECK(jve_claims_type(c, NULL) == JVE_CLAIM_ABSENT);
  CHECK(!jve_claims_sub(c, NULL) && !jve_claims_exp(c, NULL) && !jve_claims_audience(c, 0, NULL));
  CHECK(!jve_claims_get_int(c, NULL, &i) && !jve_claims_get_bool(c, "admin", NULL));

  /* Frees accept NULL. */
  jve_key_store_free(NULL);
  jve_verifier_free(NULL);
  jve_scratch_free(NULL);

  jve_scratch_free(scratch);
  jve_verifier_free(v);
  jve_key_store_free(store);
}

/* Many tokens through one scratch and two verifiers (different limits):
 * every result must stay right, and ASan must see no leak. */
static void scratch_reuse(void) {
  jve_policy p;
  jve_key_store *store = new_store(JVE_FIX_JWKS_A);
  jve_verifier *small, *large;
  jve_scratch *scratch = jve_scratch_new();
  const jve_claims *c;
  jve_str s;
  int n, bad = 0;
  base_policy(&p);
  p.max_token_bytes = 1024;
  small = new_verifier(&p, store);
  p.max_token_bytes = 64 * 1024;
  large = new_verifier(&p, store);
  for (n = 0; n < 300; ++n) {
    const jve_verifier *v = (n % 2) ? small : large;
    if (jve_verify(v, scratch, JVE_FIX_TOK_OK, strlen(JVE_FIX_TOK_OK), &c) != JVE_STATUS_OK ||
        !jve_claims_sub(c, &s) || !str_is(s, "alice"))
      ++bad;
    if (jve_verify(v, scratch, JVE_FIX_TOK_BAD_SIG, strlen(JVE_FIX_TOK_BAD_SIG), &c) !=
        JVE_STATUS_BAD_SIGNATURE)
      ++bad;
  }
  CHECK(bad == 0);
  jve_scratch_free(scratch);
  jve_verifier_free(small);
  jve_verifier_free(large);
  jve_key_store_free(store);
}

/* ---- Authorization ---------------------------------------------------------- */

static jve_requirement *new_requirement(const char *doc) {
  char why[256];
  jve_requirement *r = NULL;
  jve_status s = jve_requirement_new(doc, strlen(doc), &r, why, sizeof why);
  if (s != JVE_STATUS_OK) fprintf(stderr, "requirement: %s\n", why);
  CHECK(s == JVE_STATUS_OK && r != NULL);
  return r;
}

static void authorize(void) {
  jve_policy p;
  jve_key_store *store = new_store(JVE_FIX_JWKS_A);
  jve_verifier *v;
  jve_scratch *scratch = jve_scratch_new();
  const jve_claims *c = NULL;
  const char *token = JVE_FIX_TOK_OK;
  jve_requirement *req, *scopes, *bad = NULL;
  jve_request_value values[2];
  jve_str message, scope;
  char why[256];

  base_policy(&p);
  v = new_verifier(&p, store);
  CHECK_STATUS(jve_verify(v, scratch, token, strlen(token), &c), JVE_STATUS_OK);
  req = new_requirement(
      "{\"all_of\":[{\"scopes\":[\"read\"]},{\"claim\":\"/sub\",\"equals_request\":\"user\"},"
      "{\"claim\":\"/list\",\"contains\":\"x\"},{\"claim\":\"/n\",\"equals\":42}]}");
  scopes = new_requirement("{\"scopes\":[\"read\",\"admin\"]}");
  values[0].name.data = "path";
  values[0].name.len = 4;
  values[0].value.data = "/x";
  values[0].value.len = 2;
  values[1].name.data = "user";
  values[1].name.len = 4;
  values[1].value.data = "alice";
  values[1].value.len = 5;

  CHECK_STATUS(jve_authorize(c, req, values, 2, &message, &scope), JVE_STATUS_OK);
  CHECK(message.len == 0 && scope.len == 0);
  values[1].value.data = "bob";
  values[1].value.len = 3;
  CHECK_STATUS(jve_authorize(c, req, values, 2, &message, &scope), JVE_STATUS_FORBIDDEN);
  CHECK(str_is(message, "claim \"/sub\" does not equal request value \"user\""));
  CHECK(scope.len == 0);
  CHECK_STATUS(jve_authorize(c, req, values, 1, &message, NULL), JVE_STATUS_FORBIDDEN);
  CHECK(str_contains(message, "request value \"user\" was not supplied"));
  CHECK_STATUS(jve_authorize(c, scopes, NULL, 0, &message, &scope), JVE_STATUS_INSUFFICIENT_SCOPE);
  CHECK(str_is(message, "scope \"admin\" is not granted"));
  CHECK(str_is(scope, "read admin"));
  CHECK_STATUS(jve_authorize(c, scopes, NULL, 0, NULL, NULL), JVE_STATUS_INSUFFICIENT_SCOPE);
  CHECK(jve_requirement_describe(scopes, &message) && str_is(message, "scopes(read admin)"));

  /* Claims of a failed verify, or none, satisfy nothing. */
  CHECK_STATUS(jve_authorize(NULL, scopes, NULL, 0, &message, NULL), JVE_STATUS_FORBIDDEN);
  /* Bad arguments. */
  CHECK_STATUS(jve_authorize(c, NULL, NULL, 0, &message, NULL), JVE_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(jve_authorize(c, req, NULL, 1, &message, NULL), JVE_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(jve_authorize(c, req, values, JVE_MAX_REQUEST_VALUES + 1, NULL, NULL),
               JVE_STATUS_INVALID_ARGUMENT);
  values[0].name.data = NULL;
  CHECK_STATUS(jve_authorize(c, req, values, 2, NULL, NULL), JVE_STATUS_INVALID_ARGUMENT);

  /* A bad document names the place. */
  {
    static const char kBad[] = "{\"any_of\":[{\"claim\":\"x\",\"equals\":1}]}";
    CHECK_STATUS(jve_requirement_new(kBad, strlen(kBad), &bad, why, sizeof why), JVE_STATUS_BAD_JSON);
  }
  CHECK(bad == NULL);
  CHECK(strstr(why, "requirement at /any_of/0/claim:") != NULL);
  CHECK_STATUS(jve_requirement_new("{", 1, &bad, why, sizeof why), JVE_STATUS_BAD_JSON);
  CHECK_STATUS(jve_requirement_new(NULL, 3, &bad, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(jve_requirement_new("{}", 2, NULL, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);

  jve_requirement_free(req);
  jve_requirement_free(scopes);
  jve_requirement_free(NULL);
  jve_scratch_free(scratch);
  jve_verifier_free(v);
  jve_key_store_free(store);
}

/* The verified-token cache: options, a hit equal to the miss, expiry and
 * key replacement seen through the cache. */
static void cached_verifier(void) {
  jve_policy p;
  jve_cache_options o;
  char why[256];
  jve_key_store *store = new_store(JVE_FIX_JWKS_A);
  jve_verifier *v = NULL;
  jve_scratch *scratch = jve_scratch_new();
  const char *a = JVE_FIX_TOK_OK;
  const jve_claims *c = NULL;
  jve_str s;
  int i;

  base_policy(&p);
  jve_cache_options_init(&o);
  CHECK(o.struct_size == sizeof o && o.entries == 10000 && o.max_token_bytes == 4096 &&
        o.entry_bytes == 3072);
  o.entries = 0;
  CHECK_STATUS(jve_verifier_new_cached(&p, store, &o, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  CHECK(v == NULL && strstr(why, "entries") != NULL);
  o.entries = 64;
  o.struct_size = 0;
  CHECK_STATUS(jve_verifier_new_cached(&p, store, &o, &v, why, sizeof why), JVE_STATUS_INVALID_ARGUMENT);
  CHECK(v == NULL && strlen(why) > 0);
  o.struct_size = sizeof o;
  CHECK_STATUS(jve_verifier_new_cached(&p, store, &o, &v, why, sizeof why), JVE_STATUS_OK);

  for (i = 0; i < 3; ++i) { /* a miss, then hits */
    CHECK_STATUS(jve_verify(v, scratch, a, strlen(a), &c), JVE_STATUS_OK);
    CHECK(c != NULL && jve_claims_iss(c, &s) && str_is(s, JVE_FIX_ISS));
    CHECK(c != NULL && jve_claims_kid(c, &s) && str_is(s, "a"));
  }
  /* Expired at exp (now + 3600) while cached. */
  g_now = JVE_FIX_NOW + 3600;
  CHECK_STATUS(jve_verify(v, scratch, a, strlen(a), &c), JVE_STATUS_EXPIRED);
  CHECK(c == NULL);
  g_now = JVE_FIX_NOW;
  CHECK_STATUS(jve_verify(v, scratch, a, strlen(a), NULL), JVE_STATUS_OK);
  /* The set that verified it is replaced by one without its key. */
  CHECK_STATUS(jve_key_store_replace(store, JVE_FIX_JWKS_B, strlen(JVE_FIX_JWKS_B), why, sizeof why),
               JVE_STATUS_OK);
  CHECK_STATUS(jve_verify(v, scratch, a, strlen(a), NULL), JVE_STATUS_KEY_NOT_FOUND);
  jve_verifier_free(v);

  /* NULL options: no cache, as jve_verifier_new. */
  CHECK_STATUS(jve_verifier_new_cached(&p, store, NULL, &v, why, sizeof why), JVE_STATUS_OK);
  CHECK_STATUS(jve_verify(v, scratch, JVE_FIX_TOK_B, strlen(JVE_FIX_TOK_B), NULL), JVE_STATUS_OK);
  jve_verifier_free(v);
  jve_scratch_free(scratch);
  jve_key_store_free(store);
}

/* ---- Driver ----------------------------------------------------------------- */

typedef struct test_case {
  const char *name;
  void (*run)(void);
} test_case;

static const test_case kCases[] = {
    {"status_names", status_names},
    {"version", version},
    {"policy_defaults", policy_defaults},
    {"ok_path_with_claims", ok_path_with_claims},
    {"failure_statuses", failure_statuses},
    {"failed_verify_clears_claims", failed_verify_clears_claims},
    {"bad_jwks_reported", bad_jwks_reported},
    {"key_replacement", key_replacement},
    {"null_arguments", null_arguments},
    {"scratch_reuse", scratch_reuse},
    {"authorize", authorize},
    {"cached_verifier", cached_verifier},
};

static int run_case(const test_case *t) {
  int before = g_failures;
  t->run();
  printf("[%s] %s\n", g_failures == before ? " OK " : "FAIL", t->name);
  return g_failures == before;
}

int main(int argc, char **argv) {
  size_t n = sizeof kCases / sizeof kCases[0];
  size_t i;
  int a;
  if (argc == 1) {
    for (i = 0; i < n; ++i) run_case(&kCases[i]);
  } else {
    for (a = 1; a < argc; ++a) {
      int found = 0;
      for (i = 0; i < n; ++i) {
        if (strcmp(argv[a], kCases[i].name) == 0) {
          run_case(&kCases[i]);
          found = 1;
        }
      }
      if (!found) {
        fprintf(stderr, "unknown case %s\n", argv[a]);
        return 2;
      }
    }
  }
  if (g_failures != 0) fprintf(stderr, "%d check(s) failed\n", g_failures);
  return g_failures == 0 ? 0 : 1;
}
