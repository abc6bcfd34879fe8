/* jve_consumer_c: verifies one token with the C API of an installed jve.
 *
 *   jve_consumer_c JWKS_FILE TOKEN [AUDIENCE]
 *
 * Prints "valid" and the main claims, or "invalid: <status>: <message>".
 * Exit 0 valid, 1 invalid, 2 usage or key errors. */
#include <jve/jve.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
      free(buf);
      buf = NULL;
    }
    *len = (size_t)n;
  }
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  char why[512];
  size_t jwks_len = 0;
  char *jwks;
  jve_key_store *keys = NULL;
  jve_verifier *verifier = NULL;
  jve_scratch *scratch;
  const jve_claims *claims;
  jve_policy policy;
  jve_status s;
  jve_str v;
  double exp;
  int rc;

  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: %s JWKS_FILE TOKEN [AUDIENCE]\n", argv[0]);
    return 2;
  }
  jwks = read_file(argv[1], &jwks_len);
  if (jwks == NULL) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  s = jve_key_store_new(jwks, jwks_len, &keys, why, sizeof why);
  free(jwks);
  if (s != JVE_STATUS_OK) {
    fprintf(stderr, "bad JWKS: %s: %s\n", jve_status_name(s), why);
    return 2;
  }
  if (why[0] != '\0') fprintf(stderr, "warning: %s\n", why);

  jve_policy_init(&policy);
  if (argc == 4) {
    policy.audiences = (const char *const *)&argv[3];
    policy.audience_count = 1;
  }
  s = jve_verifier_new(&policy, keys, &verifier, why, sizeof why);
  jve_key_store_free(keys); /* the verifier keeps the keys alive */
  if (s != JVE_STATUS_OK) {
    fprintf(stderr, "bad policy: %s: %s\n", jve_status_name(s), why);
    return 2;
  }

  scratch = jve_scratch_new();
  s = jve_verify(verifier, scratch, argv[2], strlen(argv[2]), &claims);
  if (s != JVE_STATUS_OK) {
    printf("invalid: %s: %s\n", jve_status_name(s), jve_status_message(s));
    rc = 1;
  } else {
    printf("valid alg=%s", jve_claims_alg(claims));
    if (jve_claims_sub(claims, &v)) printf(" sub=%.*s", (int)v.len, v.data);
    if (jve_claims_iss(claims, &v)) printf(" iss=%.*s", (int)v.len, v.data);
    if (jve_claims_exp(claims, &exp)) printf(" exp=%.0f", exp);
    if (jve_claims_payload_json(claims, &v)) printf("\npayload %.*s", (int)v.len, v.data);
    printf("\n");
    rc = 0;
  }
  jve_scratch_free(scratch);
  jve_verifier_free(verifier);
  return rc;
}
