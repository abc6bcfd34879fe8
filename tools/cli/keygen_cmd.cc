// keygen_cmd.cc: `jve keygen`, a fresh private key for one algorithm.
#include <cerrno>
#include <cstring>
#include <string>

#include "cli11.h"
#include "commands.h"
#include "keyformat/jwk.h"
#include "keyformat/key.h"
#include "keyformat/pem.h"

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

  const std::optional<Alg> alg = parse_alg(app, alg_text);
  if (!alg) return kExitUsage;
  const size_t hmac = hmac_min_key_len(*alg);
  if (pem && hmac) {
    return fail(app, kExitUsage, "--pem: HMAC secrets have no PEM form; use the JWK");
  }
  if (app.count("--bits")) {
    if (keyformat::key_type_for(*alg) == KeyType::rsa) {
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

  // The CLI's limits above are stricter than keyformat's, so only the
  // crypto library can fail here.
  std::string why;
  const Result<keyformat::KeyData> key = keyformat::generate(*alg, bits, &why);
  if (!key.ok()) return fail(app, kExitInternal, "cannot generate the key: " + why);
  const keyformat::JwkParams params{kid, std::string(alg_name(*alg)), "sig"};
  if (!public_file.empty()) {
    const Result<std::string> jwk =
        keyformat::write_jwk(*key, params, keyformat::JwkMembers::public_only, &why);
    if (!jwk.ok()) return fail(app, kExitInternal, "cannot write the public JWK: " + why);
    const std::string jwks = keyformat::write_jwks({&*jwk, 1}) + "\n";
    if (!write_file(public_file, jwks, hmac != 0)) {
      return fail(app, kExitUsage, "cannot write '" + public_file + "': " + std::strerror(errno));
    }
  }
  const Result<std::string> out =
      pem ? keyformat::write_pem(*key, keyformat::PemForm::pkcs8, &why)
          : keyformat::write_jwk(*key, params, keyformat::JwkMembers::with_private, &why);
  if (!out.ok()) return fail(app, kExitInternal, "cannot write the key: " + why);
  std::fwrite(out->data(), 1, out->size(), stdout);
  if (!pem) std::fputc('\n', stdout);
  return kExitOk;
}

}  // namespace jve::cli
