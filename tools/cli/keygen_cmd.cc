// keygen_cmd.cc: `jve keygen`, a fresh private key for one algorithm.
#include <cerrno>
#include <cstring>
#include <vector>

#include <openssl/mem.h>
#include <openssl/rand.h>

#include "cli11.h"
#include "commands.h"
#include "testkit.h"

namespace jve::cli {
namespace {

constexpr const char kFooter[] = R"(
Prints the private key as a JWK (with kty, kid, use "sig", alg) or, with --pem,
as PKCS#8 PEM. --public FILE also writes the public JWKS that
'jve verify --jwks' takes. RSA keys default to 2048 bits (--bits: 2048 to 16384,
a multiple of 128); HMAC secrets to the hash length (--bits: at least that, a
multiple of 8). EC and Ed25519 keys have fixed sizes.
WARNING: for HS256/384/512 the "public" JWKS holds the secret itself (JWKS has
no other way to carry an HMAC key): it is written with mode 0600.

Examples:
  jve keygen --alg EdDSA --kid k1 --public jwks.json > private.jwk
  jve keygen --alg RS256 --bits 3072 --pem > private.pem

Exit: 0 key printed; 2 usage error or the public file cannot be written;
3 the crypto library failed.
)";

size_t hmac_bytes(Alg alg) {
  switch (alg) {
    case Alg::HS256: return 32;
    case Alg::HS384: return 48;
    case Alg::HS512: return 64;
    default: return 0;
  }
}

bool is_rsa(Alg alg) {
  switch (alg) {
    case Alg::RS256: case Alg::RS384: case Alg::RS512:
    case Alg::PS256: case Alg::PS384: case Alg::PS512: return true;
    default: return false;
  }
}

}  // namespace

int run_keygen_command(int argc, char** argv) {
  CLI::App app{"Generate a private key for one algorithm; prints it as a JWK (or PEM).",
               "jve keygen"};
  app.footer(kFooter);
  std::string alg_text, kid, public_file;
  int bits = 0;
  bool pem = false;
  app.add_option("--alg", alg_text, "HS256|HS384|HS512|RS256|...|ES512|EdDSA")->required();
  app.add_option("--kid", kid, "kid of the key");
  app.add_option("--bits", bits, "RSA modulus or HMAC secret size in bits");
  app.add_flag("--pem", pem, "print PKCS#8 PEM instead of a JWK (not for HMAC)");
  app.add_option("--public", public_file, "also write the public JWKS to FILE");
  if (const int rc = parse_args(app, argc, argv); rc >= 0) return rc;

  const std::optional<Alg> alg = alg_from_name(alg_text);
  if (!alg) return fail(app, kExitUsage, "unknown algorithm '" + alg_text + "' (HS256 ... ES512, EdDSA)");
  const size_t hmac = hmac_bytes(*alg);
  if (pem && hmac) {
    return fail(app, kExitUsage, "--pem: HMAC secrets have no PEM form; use the JWK");
  }
  if (app.count("--bits")) {
    if (is_rsa(*alg)) {
      if (bits < 2048 || bits > 16384 || bits % 128 != 0) {
        return fail(app, kExitUsage,
                    "--bits: RSA keys take 2048 to 16384 bits, a multiple of 128 (jve rejects "
                    "RSA keys under 2048 bits)");
      }
    } else if (hmac) {
      if (bits < static_cast<int>(hmac * 8) || bits > 4096 || bits % 8 != 0) {
        return fail(app, kExitUsage,
                    "--bits: " + alg_text + " secrets take " + std::to_string(hmac * 8) +
                        " to 4096 bits, a multiple of 8");
      }
    } else {
      return fail(app, kExitUsage, "--bits: " + alg_text + " keys have a fixed size");
    }
  }

  testkit::SigningKey key;
  if (hmac && bits > 0) {
    std::vector<uint8_t> secret(static_cast<size_t>(bits) / 8);
    RAND_bytes(secret.data(), secret.size());
    key = *testkit::key_from_secret(*alg, secret, kid);
    OPENSSL_cleanse(secret.data(), secret.size());
  } else {
    key = testkit::generate_key(*alg, kid, bits > 0 ? bits : 2048);
  }

  if (!public_file.empty()) {
    const std::string jwks = testkit::jwks({&key}) + "\n";
    if (!write_file(public_file, jwks, hmac != 0)) {
      return fail(app, kExitUsage, "cannot write '" + public_file + "': " + std::strerror(errno));
    }
  }
  const std::string out = pem ? key.private_pem() : key.private_jwk() + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace jve::cli
