/* c_api_alloc_test.c: jve_verify, the claims accessors and jve_authorize allocate nothing
 * once the scratch has verified its first token, through the C API too.
 *
 * The program defines malloc and friends itself (forwarding to glibc's
 * __libc_* entry points), so every allocation in the process - libjve.so,
 * the BoringSSL inside it, libstdc++'s operator new - passes through a
 * counter. That replaces process-wide state, hence a binary of its own (as
 * alloc_test.cc); it is not built under the sanitizers, which own malloc.
 * ES256, EdDSA and RS256 (jve runs RSA on a per-thread BN_CTX: no
 * allocation per token either).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_api_fixture.h"
#include "jve/jve.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *ptr);

static long g_allocations; /* single-threaded test: no atomics needed */

void *malloc(size_t size) {
  ++g_allocations;
  return __libc_malloc(size);
}
void *calloc(size_t count, size_t size) {
  ++g_allocations;
  return __libc_calloc(count, size);
}
void *realloc(void *ptr, size_t size) {
  ++g_allocations;
  return __libc_realloc(ptr, size);
}
void *aligned_alloc(size_t alignment, size_t size) {
  ++g_allocations;
  return __libc_memalign(alignment, size);
}
int posix_memalign(void **out, size_t alignment, size_t size) {
  void *p;
  ++g_allocations;
  p = __libc_memalign(alignment, size);
  if (p == NULL) return 12; /* ENOMEM */
  *out = p;
  return 0;
}
void free(void *ptr) { __libc_free(ptr); }

static int64_t fixed_clock(void *arg) { return *(const int64_t *)arg; }

typedef struct case_token {
  const char *token;
  jve_status want;
} case_token;

/* run_rounds verifies |tokens| 51 times with |verifier|, reading the claims
 * and authorizing the accepted ones; round 0 warms the scratch (and
 * BoringSSL's lazily built tables, or fills a cache), rounds 1-50 must not
 * allocate. Counts unexpected results in |*wrong|; 1 on allocations. */
static int run_rounds(const char *label, const jve_verifier *verifier, jve_scratch *scratch,
                      const case_token *tokens, size_t n_tokens,
                      const jve_requirement *requirement, int *wrong) {
  int round;
  size_t i;
  for (round = 0; round <= 50; ++round) {
    const long before = g_allocations;
    long counted;
    for (i = 0; i < n_tokens; ++i) {
      const jve_claims *claims;
      jve_str s, message, scope;
      jve_request_value value;
      double d;
      int64_t v;
      jve_status st = jve_verify(verifier, scratch, tokens[i].token, strlen(tokens[i].token), &claims);
      if (st != tokens[i].want) ++*wrong;
      if (st == JVE_STATUS_OK) {
        if (!jve_claims_sub(claims, &s) || !jve_claims_exp(claims, &d) ||
            !jve_claims_audience(claims, 1, &s) || !jve_claims_get_int(claims, "iat", &v) ||
            !jve_claims_payload_json(claims, &s) || !jve_claims_kid(claims, &s) ||
            jve_claims_type(claims, "jti") != JVE_CLAIM_STRING || jve_claims_alg(claims) == NULL)
          ++*wrong;
        (void)jve_claims_get_string(claims, "absent", &s);
        value.name.data = "user";
        value.name.len = 4;
        value.value.data = "alice";
        value.value.len = 5;
        /* TOK_OK grants both scopes; TOK_B and TOK_RS none. */
        if (jve_authorize(claims, requirement, &value, 1, &message, &scope) !=
            (i == 0 ? JVE_STATUS_OK : JVE_STATUS_INSUFFICIENT_SCOPE))
          ++*wrong;
        value.value.len = 3;
        if (jve_authorize(claims, requirement, &value, 1, &message, &scope) !=
            (i == 0 ? JVE_STATUS_FORBIDDEN : JVE_STATUS_INSUFFICIENT_SCOPE))
          ++*wrong;
      }
    }
    counted = g_allocations - before;
    if (round > 0 && counted != 0) {
      fprintf(stderr, "%s round %d: %ld allocations in %zu verifies (want 0)\n", label, round,
              counted, n_tokens);
      return 1;
    }
  }
  return 0;
}

int main(void) {
  static const char *const issuers[] = {JVE_FIX_ISS};
  static const char *const audiences[] = {"api"};
  static const case_token tokens[] = {
      {JVE_FIX_TOK_OK, JVE_STATUS_OK},
      {JVE_FIX_TOK_B, JVE_STATUS_OK},
      {JVE_FIX_TOK_RS, JVE_STATUS_OK},
      {JVE_FIX_TOK_BAD_SIG, JVE_STATUS_BAD_SIGNATURE},
      {JVE_FIX_TOK_EXPIRED, JVE_STATUS_EXPIRED},
      {JVE_FIX_TOK_WRONG_ISS, JVE_STATUS_BAD_ISSUER},
      {JVE_FIX_TOK_UNKNOWN_KID, JVE_STATUS_KEY_NOT_FOUND},
      {"abc.def", JVE_STATUS_MALFORMED},
      {"e30=.e30.AAAA", JVE_STATUS_BAD_BASE64},
  };
  const size_t n_tokens = sizeof tokens / sizeof tokens[0];
  int64_t now = JVE_FIX_NOW;
  char why[256];
  jve_key_store *store = NULL;
  jve_verifier *verifier = NULL;
  jve_scratch *scratch;
  static const char kRequirement[] =
      "{\"all_of\":[{\"scopes\":[\"read\",\"write\"]},{\"claim\":\"/sub\",\"equals_request\":\"user\"},"
      "{\"any_of\":[{\"claim\":\"/list\",\"contains\":\"y\"},{\"claim\":\"/n\",\"equals\":42}]}]}";
  jve_requirement *requirement = NULL;
  jve_policy policy;
  long before;
  int wrong = 0;

  if (jve_key_store_new(JVE_FIX_JWKS_AB, strlen(JVE_FIX_JWKS_AB), &store, why, sizeof why) !=
      JVE_STATUS_OK) {
    fprintf(stderr, "key store: %s\n", why);
    return 1;
  }
  jve_policy_init(&policy);
  policy.issuers = issuers;
  policy.issuer_count = 1;
  policy.audiences = audiences;
  policy.audience_count = 1;
  policy.clock = fixed_clock;
  policy.clock_arg = &now;
  if (jve_verifier_new(&policy, store, &verifier, why, sizeof why) != JVE_STATUS_OK) {
    fprintf(stderr, "verifier: %s\n", why);
    return 1;
  }
  scratch = jve_scratch_new();
  if (jve_requirement_new(kRequirement, strlen(kRequirement), &requirement, why, sizeof why) !=
      JVE_STATUS_OK) {
    fprintf(stderr, "requirement: %s\n", why);
    return 1;
  }

  if (run_rounds("plain", verifier, scratch, tokens, n_tokens, requirement, &wrong) != 0) return 1;
  if (wrong != 0) {
    fprintf(stderr, "%d unexpected results\n", wrong);
    return 1;
  }
  /* The same tokens through a verifier with a verified-token cache: after
   * the round that inserts the accepted ones, every hit (and every refusal)
   * allocates nothing. */
  {
    jve_cache_options cache;
    jve_verifier *cached = NULL;
    jve_cache_options_init(&cache);
    cache.entries = 16;
    if (jve_verifier_new_cached(&policy, store, &cache, &cached, why, sizeof why) != JVE_STATUS_OK) {
      fprintf(stderr, "cached verifier: %s\n", why);
      return 1;
    }
    if (run_rounds("cached", cached, scratch, tokens, n_tokens, requirement, &wrong) != 0) return 1;
    jve_verifier_free(cached);
    if (wrong != 0) {
      fprintf(stderr, "%d unexpected results from the cached verifier\n", wrong);
      return 1;
    }
  }
  /* The counter must see allocations at all, or the test proves nothing. */
  before = g_allocations;
  jve_scratch_free(jve_scratch_new());
  if (g_allocations == before) {
    fprintf(stderr, "the malloc counter saw nothing: interposition is not working\n");
    return 1;
  }
  printf("0 allocations in 50 x %zu verifies (and authorizes) after warm-up, and in 50 x %zu through a cache\n", n_tokens, n_tokens);
  jve_requirement_free(requirement);
  jve_scratch_free(scratch);
  jve_verifier_free(verifier);
  jve_key_store_free(store);
  return 0;
}
