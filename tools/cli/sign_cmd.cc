// sign_cmd.cc: `jve sign`, make a token from a private key and claims.
#include <cerrno>
#include <cstring>
#include <set>

#include "cli11.h"
#include "commands.h"
#include "keyformat/json_document.h"
#include "keyformat/sign.h"

namespace jve::cli {
namespace {

constexpr const char kFooter[] = R"(
Key files: a private JWK (or a JWKS; --kid picks the key), a private PEM key
(PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY"), or for
HS256/384/512 a file of raw secret bytes (used as they are, like
'jve verify --secret-file').

exp is now + 1h unless the claims carry exp, --exp is given or --no-exp.
DURATION: [+|-]N[s|m|h|d|w], e.g. +90s, +15m, +1h, +7d, -5m (in the past).

Examples:
  jve keygen --alg ES256 --kid k1 --public jwks.json > private.jwk
  jve sign --key private.jwk --alg ES256 --claims '{"sub":"alice","aud":"api"}'
  jve sign --key secret.bin --alg HS256 --claims @claims.json --exp +15m --iat

Exit: 0 token printed on standard output; 2 usage error, unreadable file, bad
key or bad claims; 3 the crypto library failed.
)";

}  // namespace

int run_sign_command(int argc, char** argv) {
  CLI::App app{"Make a signed JWT from a private key and claims; prints the token.", "jve sign"};
  app.footer(kFooter);
  std::string key_file, alg_text, kid, claims_arg, exp_text, nbf_text, typ = "JWT", iss, sub;
  std::vector<std::string> auds;
  bool no_exp = false, with_iat = false;
  int64_t now = 0;
  app.add_option("--key", key_file, "private key file (JWK, PEM or raw HMAC secret)")->required();
  app.add_option("--alg", alg_text, "HS256|HS384|HS512|RS256|...|ES512|EdDSA")->required();
  app.add_option("--kid", kid, "kid header (default: the JWK's kid, if any)");
  app.add_option("--claims", claims_arg, "claims JSON object, or @FILE (@- for standard input)");
  auto* exp_opt = app.add_option("--exp", exp_text, "exp = now + DURATION (default +1h)");
  app.add_flag("--no-exp", no_exp, "no exp claim")->excludes(exp_opt);
  app.add_flag("--iat", with_iat, "add iat = now");
  app.add_option("--nbf", nbf_text, "add nbf = now + DURATION (e.g. +0s, -1m)");
  app.add_option("--iss", iss, "add iss");
  app.add_option("--sub", sub, "add sub");
  app.add_option("--aud", auds, "add aud (repeat for an array)")->allow_extra_args(false);
  app.add_option("--typ", typ, "typ header (default JWT; '' leaves it out)");
  app.add_option("--now", now, "UNIX seconds to use as now (default: the clock)");
  if (const int rc = parse_args(app, argc, argv); rc >= 0) return rc;

  const std::optional<Alg> alg = parse_alg(app, alg_text);
  if (!alg) return kExitUsage;
  if (app.count("--now") == 0) now = now_seconds();

  // Claims.
  std::string claims = "{}";
  if (!claims_arg.empty() && claims_arg[0] == '@') {
    const std::string path = claims_arg.substr(1);
    if (!read_file(path, claims)) {
      return fail(app, kExitUsage, "cannot read claims file '" + path + "': " + std::strerror(errno));
    }
  } else if (app.count("--claims")) {
    claims = claims_arg;
  }
  keyformat::JsonDocument claims_doc;
  if (const std::string why = claims_doc.parse(claims, true); !why.empty()) {
    return fail(app, kExitUsage, "bad claims JSON: " + why);
  }
  std::set<std::string, std::less<>> present;
  keyformat::JsonDocument::for_each_member(claims_doc.root(), [&](std::string_view name, json::Value) {
    present.emplace(name);
    return true;
  });
  claims = json_minify(claims);
  std::string added;
  auto add = [&](const std::string& name, const std::string& value_json) -> bool {
    if (present.count(name)) return false;
    if (!added.empty()) added += ',';
    added += json_string(name) + ":" + value_json;
    return true;
  };
  auto conflict = [&](const std::string& name) {
    return fail(app, kExitUsage, "the claims already carry \"" + name + "\"; drop it or the option");
  };
  auto duration = [&](const std::string& text, int64_t& out) {
    const std::optional<int64_t> d = parse_duration(text);
    if (!d) return false;
    out = now + *d;
    return true;
  };
  if (!iss.empty() && !add("iss", json_string(iss))) return conflict("iss");
  if (!sub.empty() && !add("sub", json_string(sub))) return conflict("sub");
  if (!auds.empty()) {
    std::string aud = auds.size() == 1 ? json_string(auds[0]) : "[";
    if (auds.size() > 1) {
      for (size_t i = 0; i < auds.size(); ++i) aud += (i ? "," : "") + json_string(auds[i]);
      aud += ']';
    }
    if (!add("aud", aud)) return conflict("aud");
  }
  if (app.count("--exp")) {
    int64_t exp;
    if (!duration(exp_text, exp)) {
      return fail(app, kExitUsage, "--exp: bad DURATION '" + exp_text + "' (e.g. +90s, +15m, +1h, +7d)");
    }
    if (!add("exp", std::to_string(exp))) return conflict("exp");
  } else if (!no_exp) {
    add("exp", std::to_string(now + 3600));  // unless the claims carry one
  }
  if (with_iat && !add("iat", std::to_string(now))) return conflict("iat");
  if (app.count("--nbf")) {
    int64_t nbf;
    if (!duration(nbf_text, nbf)) {
      return fail(app, kExitUsage, "--nbf: bad DURATION '" + nbf_text + "' (e.g. +0s, -1m, +1h)");
    }
    if (!add("nbf", std::to_string(nbf))) return conflict("nbf");
  }
  if (!added.empty()) {
    claims.pop_back();  // '}'
    if (claims.size() > 1) claims += ',';
    claims += added;
    claims += '}';
  }

  // Key.
  std::string key_text;
  if (!read_file(key_file, key_text)) {
    return fail(app, kExitUsage, "cannot read key file '" + key_file + "': " + std::strerror(errno));
  }
  std::string why;
  const Result<keyformat::JwkKey> key = keyformat::read_signing_key(key_text, *alg, kid, &why);
  if (!key.ok()) {
    return fail(app, key.status() == Status::internal_error ? kExitInternal : kExitUsage,
                "cannot use key file '" + key_file + "': " + why);
  }
  const Result<std::string> token = keyformat::sign_compact(
      key->key, *alg, keyformat::jose_header(alg_name(*alg), key->params.kid, typ), claims, &why);
  if (!token.ok()) return fail(app, kExitInternal, "cannot sign: " + why);
  std::fwrite(token->data(), 1, token->size(), stdout);
  std::fputc('\n', stdout);
  return kExitOk;
}

}  // namespace jve::cli
