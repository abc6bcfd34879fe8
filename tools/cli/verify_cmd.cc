// `jve verify`: the contract other tools rely on (see README "jve verify").
#include "verify_cmd.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common.h"
#include "jve/jve.hpp"
#include "keyformat/pem.h"
#include "verify_batch.h"

namespace jve::cli {
namespace {

constexpr int kValid = 0;
constexpr int kInvalid = 1;
constexpr int kUsage = 2;

constexpr const char kHelp[] =
    "usage: jve verify (--jwks FILE | --key FILE | --secret-file FILE) [options]\n"
    "                  (TOKEN | - | --token-file FILE | --tokens FILE [--threads N] [--cache N] [--quiet])\n"
    "\n"
    "keys (one of):\n"
    "  --jwks FILE          a JWKS or a single JWK (RSA, EC, OKP, oct)\n"
    "  --key FILE           a PEM public key (SPKI or PKCS#1 RSA) or X.509 certificate\n"
    "  --secret-file FILE   raw HMAC secret bytes\n"
    "policy:\n"
    "  --now UNIX_SECONDS   fix the clock\n"
    "  --iss ISS            accepted issuer (repeatable)\n"
    "  --aud AUD            accepted audience (repeatable)\n"
    "  --no-aud-check       do not check aud at all\n"
    "  --leeway SECONDS     clock skew allowed on exp / nbf / iat (default 0)\n"
    "  --alg ALG[,ALG...]   accepted algorithms (default: all 13)\n"
    "  --require CLAIM[,CLAIM...]|none   required claims (default: exp)\n"
    "  --require-kid        reject tokens without kid\n"
    "  --max-age SECONDS    reject tokens whose iat is older\n"
    "  --typ TYP            required header typ (case-insensitive, application/ optional)\n"
    "  --jws                verify a JWS whose payload need not be JSON (no claims checks);\n"
    "                       print the payload bytes as they are\n"
    "authorization (after a successful verify; all must hold):\n"
    "  --require-scope S    scope S must be granted by 'scope' or 'scp' (repeatable)\n"
    "  --require-claim PATH=VALUE   the claim at PATH equals the string VALUE or is an array\n"
    "                       holding it; PATH is a JSON pointer (/realm_access/roles) or a\n"
    "                       top-level claim name (cognito:groups) (repeatable)\n"
    "  --requirements FILE  a requirement document (JSON; README \"Authorization\")\n"
    "input:\n"
    "  TOKEN                the token; '-' reads it from standard input\n"
    "  --token-file FILE    read the token from FILE\n"
    "  --                   end of options\n"
    "many tokens:\n"
    "  --tokens FILE        verify every line of FILE ('-': standard input); print one JSON\n"
    "                       object per token, in input order:\n"
    "                       {\"line\":N,\"valid\":true,\"claims\":{...}} or\n"
    "                       {\"line\":N,\"valid\":false,\"error\":\"expired\",\"message\":\"...\"}\n"
    "                       (error insufficient_scope / forbidden when a requirement fails);\n"
    "                       blank lines are skipped; a summary goes to stderr\n"
    "  --threads N          verifying threads (default: the number of CPUs)\n"
    "  --cache N            a verified-token cache of N entries (repeated tokens cost a\n"
    "                       lookup; README \"Verified-token cache\"); default 0: none\n"
    "  --quiet              no progress bar and no summary on stderr\n"
    "\n"
    "exit: 0 valid (payload on stdout), 1 invalid ('error: <status>: <message>' on stderr;\n"
    "      'error: insufficient_scope: ...' or 'error: forbidden: ...' when the token is\n"
    "      genuine but a requirement fails),\n"
    "      2 usage error or unreadable / unparseable key file\n"
    "      with --tokens: 0 all valid, 1 any invalid, 2 usage error or unreadable input\n";

int usage_error(const std::string& what) {
  std::fprintf(stderr, "jve verify: %s\n(run 'jve verify --help' for usage)\n", what.c_str());
  return kUsage;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

bool parse_int(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  out = v;
  return true;
}

// A key that parsed but cannot serve is left out with a warning, not a usage
// error: the token that needed it then fails with the key's own status.
bool can_be_left_out(Status s) {
  return s == Status::weak_key || s == Status::unsupported_key ||
         s == Status::key_not_for_signing || s == Status::key_alg_mismatch;
}

void warn_left_out(const KeySet& set, const std::string& file) {
  for (const KeyIssue& k : set.left_out()) {
    std::fprintf(stderr, "warning: %s: %s\n", file.c_str(), describe_left_out(k).c_str());
  }
}

// pem_key_type is the type of the first key in a PEM text, as jve would
// have loaded it: RSA (weak below 2048 bits) or Ed25519 (weak when of small
// order) are the PEM keys jve calls weak. nullopt for any other.
std::optional<KeyType> pem_key_type(std::string_view pem) {
  const Result<std::vector<keyformat::PemKey>> keys = keyformat::read_pem(pem);
  if (!keys.ok()) return std::nullopt;
  const KeyType type = keys->front().key.type();
  if (type == KeyType::rsa || type == KeyType::ed25519) return type;
  return std::nullopt;
}

// Builds the key set from a single-key loader's result. |type| is what the
// left-out key would have been (an HMAC secret is oct), so that a kid-less
// token of that type gets the key's own status.
std::optional<KeySet> single_key_set(Result<std::shared_ptr<const Key>> key, const std::string& why,
                                     const std::string& file, std::optional<KeyType> type) {
  if (key.ok()) return KeySet({*key});
  if (!can_be_left_out(key.status())) return std::nullopt;
  KeyIssue issue;
  issue.status = key.status();
  issue.why = why;
  if (type == KeyType::oct || key.status() == Status::weak_key) issue.type = type;
  KeySet set({}, {std::move(issue)});
  warn_left_out(set, file);
  return set;
}

}  // namespace

int run_verify_command(int argc, char** argv) {
  Policy policy;
  std::string jwks_file, key_file, secret_file, token_file, token;
  bool have_token = false, jws = false, read_from_argv = false, quiet = false;
  std::string tokens_file;
  std::optional<int64_t> threads;
  std::optional<int64_t> cache_entries;
  std::optional<int64_t> now;
  std::vector<std::string> required_scopes, requirements_files;
  std::vector<Rule> required_claims;

  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string v;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kHelp, stdout);
      return kValid;
    } else if (arg == "--") {
      if (i + 1 < argc) {
        if (have_token || i + 2 < argc) return usage_error("exactly one token is expected");
        token = argv[++i];
        have_token = true;
      }
      break;
    } else if (arg == "--jwks") {
      if (!value(jwks_file)) return usage_error("--jwks needs a FILE");
    } else if (arg == "--key") {
      if (!value(key_file)) return usage_error("--key needs a FILE");
    } else if (arg == "--secret-file") {
      if (!value(secret_file)) return usage_error("--secret-file needs a FILE");
    } else if (arg == "--token-file") {
      if (!value(token_file)) return usage_error("--token-file needs a FILE");
    } else if (arg == "--now") {
      int64_t t;
      if (!value(v) || !parse_int(v, t)) return usage_error("--now needs UNIX_SECONDS");
      now = t;
    } else if (arg == "--iss") {
      if (!value(v)) return usage_error("--iss needs a value");
      policy.issuers.push_back(v);
    } else if (arg == "--aud") {
      if (!value(v)) return usage_error("--aud needs a value");
      policy.audiences.push_back(v);
    } else if (arg == "--no-aud-check") {
      policy.check_audience = false;
    } else if (arg == "--leeway") {
      if (!value(v) || !parse_int(v, policy.leeway_seconds) || policy.leeway_seconds < 0)
        return usage_error("--leeway needs a number of seconds >= 0");
    } else if (arg == "--alg") {
      if (!value(v)) return usage_error("--alg needs ALG[,ALG...]");
      policy.algorithms = AlgSet();
      for (const std::string& name : split_commas(v)) {
        std::optional<Alg> a = alg_from_name(name);
        if (!a) return usage_error("unknown algorithm '" + name + "'");
        policy.algorithms.add(*a);
      }
      if (policy.algorithms.empty()) return usage_error("--alg needs at least one algorithm");
    } else if (arg == "--require") {
      if (!value(v)) return usage_error("--require needs CLAIM[,CLAIM...] or none");
      policy.required_claims = v == "none" ? std::vector<std::string>{} : split_commas(v);
    } else if (arg == "--require-kid") {
      policy.require_kid = true;
    } else if (arg == "--max-age") {
      int64_t age;
      if (!value(v) || !parse_int(v, age) || age < 0)
        return usage_error("--max-age needs a number of seconds >= 0");
      policy.max_age_seconds = age;
    } else if (arg == "--typ") {
      if (!value(policy.typ) || policy.typ.empty()) return usage_error("--typ needs a value");
    } else if (arg == "--jws") {
      jws = true;
    } else if (arg == "--require-scope") {
      if (!value(v) || v.empty()) return usage_error("--require-scope needs a scope");
      required_scopes.push_back(v);
    } else if (arg == "--require-claim") {
      const size_t eq = value(v) ? v.find('=') : std::string::npos;
      if (eq == std::string::npos || eq == 0) return usage_error("--require-claim needs PATH=VALUE");
      const std::string path = v.substr(0, eq);
      // A leading '/' makes a JSON pointer; anything else is one top-level
      // name, taken as it is (so "https://x/roles" needs no escaping).
      required_claims.push_back(
          require::claim(path[0] == '/' ? path : member_pointer(path)).contains(v.substr(eq + 1)));
    } else if (arg == "--requirements") {
      if (!value(v) || v.empty()) return usage_error("--requirements needs a FILE");
      requirements_files.push_back(v);
    } else if (arg == "--tokens") {
      if (!value(tokens_file) || tokens_file.empty()) return usage_error("--tokens needs a FILE (or -)");
    } else if (arg == "--threads") {
      int64_t n;
      if (!value(v) || !parse_int(v, n) || n < 1 || n > 1024)
        return usage_error("--threads needs a number from 1 to 1024");
      threads = n;
    } else if (arg == "--cache") {
      int64_t n;
      if (!value(v) || !parse_int(v, n) || n < 0 || n > static_cast<int64_t>(kMaxCacheEntries))
        return usage_error("--cache needs a number of entries from 0 to " +
                           std::to_string(kMaxCacheEntries));
      cache_entries = n;
    } else if (arg == "--quiet") {
      quiet = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usage_error("unknown option '" + arg + "'");
    } else {
      if (have_token) return usage_error("exactly one token is expected");
      token = arg;
      have_token = true;
    }
  }

  const int key_sources = !jwks_file.empty() + !key_file.empty() + !secret_file.empty();
  if (key_sources != 1) return usage_error("give exactly one of --jwks, --key, --secret-file");
  if (!tokens_file.empty()) {
    if (have_token || !token_file.empty())
      return usage_error("--tokens reads the tokens: give no TOKEN, - or --token-file with it");
    if (jws) return usage_error("--jws cannot be combined with --tokens");
  } else {
    if (threads) return usage_error("--threads goes with --tokens");
    if (cache_entries) return usage_error("--cache goes with --tokens");
    if (have_token == !token_file.empty()) return usage_error("give exactly one of TOKEN, -, --token-file");
  }

  // Requirements: the flags as one all_of, then each document; together
  // an all_of, evaluated in that order.
  std::vector<Requirement> requirements;
  if (!required_scopes.empty() || !required_claims.empty() || !requirements_files.empty()) {
    if (jws)
      return usage_error("--require-scope, --require-claim and --requirements check claims: not with --jws");
    std::vector<Rule> rules;
    if (!required_scopes.empty()) rules.push_back(require::scopes(required_scopes));
    for (Rule& r : required_claims) rules.push_back(std::move(r));
    std::string error;
    if (!rules.empty()) {
      Result<Requirement> r = Requirement::compile(require::all_of(std::move(rules)), &error);
      if (!r.ok()) return usage_error("--require-scope / --require-claim: " + error);
      requirements.push_back(std::move(*r));
    }
    for (const std::string& f : requirements_files) {
      std::string doc;
      if (!read_file(f, doc)) {
        std::fprintf(stderr, "jve verify: cannot read requirements file '%s': %s\n", f.c_str(),
                     std::strerror(errno));
        return kUsage;
      }
      Result<Requirement> r = Requirement::from_json(doc, &error);
      if (!r.ok()) {
        std::fprintf(stderr, "jve verify: %s: %s\n", f.c_str(), error.c_str());
        return kUsage;
      }
      requirements.push_back(std::move(*r));
    }
  }

  // Keys.
  std::optional<KeySet> keys;
  std::string text, why;
  const std::string& file = !jwks_file.empty() ? jwks_file : !key_file.empty() ? key_file : secret_file;
  if (!read_file(file, text)) {
    std::fprintf(stderr, "jve verify: cannot read key file '%s': %s\n", file.c_str(), std::strerror(errno));
    return kUsage;
  }
  if (!jwks_file.empty()) {
    Result<KeySet> set = KeySet::from_jwks(text, &why);
    if (set.ok()) {
      keys = std::move(*set);
      warn_left_out(*keys, file);
    }
  } else if (!key_file.empty()) {
    keys = single_key_set(Key::from_pem(text, {}, &why), why, file, pem_key_type(text));
  } else {
    keys = single_key_set(
        Key::from_secret({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, {}, &why), why,
        file, KeyType::oct);
  }
  if (!keys) {
    std::fprintf(stderr, "jve verify: cannot load keys from '%s': %s\n", file.c_str(), why.c_str());
    return kUsage;
  }

  // Token.
  if (!token_file.empty()) {
    if (!read_file(token_file, token)) {
      std::fprintf(stderr, "jve verify: cannot read token file '%s': %s\n", token_file.c_str(),
                   std::strerror(errno));
      return kUsage;
    }
  } else if (token == "-") {
    token.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    read_from_argv = true;
  }
  // One trailing newline is the file's or the pipe's, not the token's.
  if (!read_from_argv && !token.empty() && token.back() == '\n') {
    token.pop_back();
    if (!token.empty() && token.back() == '\r') token.pop_back();
  }

  if (now) policy.clock = [t = *now] { return t; };
  auto store = std::make_shared<KeyStore>(std::make_shared<const KeySet>(std::move(*keys)));
  Verifier verifier = cache_entries && *cache_entries > 0
                          ? Verifier(std::move(policy), store,
                                     VerifyCache{.entries = static_cast<size_t>(*cache_entries)})
                          : Verifier(std::move(policy), store);
  if (!tokens_file.empty()) {
    BatchOptions batch;
    batch.path = tokens_file;
    batch.quiet = quiet;
    batch.requirements = std::move(requirements);
    batch.threads = threads ? static_cast<int>(*threads)
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return run_verify_batch(verifier, batch);
  }
  Scratch scratch;
  Status st;
  std::string_view out;
  Claims claims;
  Jws jws_out;
  if (jws) {
    st = verifier.verify_jws(token, scratch, jws_out);
    out = jws_out.payload;
  } else {
    st = verifier.verify(token, scratch, claims);
    out = claims.json();
  }
  if (st != Status::ok) {
    std::fprintf(stderr, "error: %s: %s\n", std::string(to_string(st)).c_str(),
                 std::string(message(st)).c_str());
    return kInvalid;
  }
  // Authorization runs only on a genuine token: authentication failures
  // above always take precedence.
  for (const Requirement& r : requirements) {
    Denial denial;
    if (Status s = authorize(claims, r, {}, &denial); s != Status::ok) {
      std::fprintf(stderr, "error: %s: %.*s\n", std::string(to_string(s)).c_str(),
                   static_cast<int>(denial.message.size()), denial.message.data());
      return kInvalid;
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (!jws) std::fputc('\n', stdout);
  return kValid;
}

}  // namespace jve::cli
