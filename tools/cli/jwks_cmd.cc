// jwks_cmd.cc: `jve jwks`, convert PEM keys to JWK, build a JWKS, print RFC
// 7638 thumbprints, check a JWKS.
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "cli11.h"
#include "commands.h"
#include "jve/jve.hpp"
#include "keyformat/json_document.h"
#include "keyformat/jwk.h"
#include "keyformat/pem.h"

namespace jve::cli {
namespace {

constexpr const char kFooter[] = R"(
FILEs are PEM (PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE; private keys give their
public half) or JSON (a JWK or a JWKS); one file may hold several keys.

Examples:
  jve jwks convert cert.pem                          # one key -> one JWK
  jve jwks build a.pem b.pem --kid a --kid b > jwks.json
  jve jwks thumbprint jwks.json
  jve jwks check jwks.json

Exit: 0 done (check: no error found); 1 check found an error (or a warning
with --strict); 2 usage error, unreadable or unparseable file.
)";

using keyformat::JsonDocument;

struct KeyJson {
  std::string json;    // minified public JWK
  std::string source;  // "FILE key #N"
};

std::optional<std::string_view> str_member(const json::Value& o, std::string_view name) {
  return JsonDocument::string_member(o, name);
}

struct Options {
  std::vector<std::string> kids;
  std::string alg;
  std::string use = "sig";
  bool no_kid = false;
};

// public_json rewrites one JWK object without its private members, with
// |kid| (when non-empty) replacing or adding "kid" after "kty".
std::string public_json(const json::Value& o, const std::string& kid, const std::string& alg,
                        bool& had_private) {
  std::string j = "{";
  JsonDocument::for_each_member(o, [&](std::string_view name, const json::Value& value) {
    if (keyformat::is_private_member(name)) {
      had_private = true;
      return true;
    }
    if ((name == "kid" && !kid.empty()) || (name == "alg" && !alg.empty())) return true;
    keyformat::add_member(j, name, value.minified());
    if (name == "kty") {
      if (!kid.empty()) keyformat::add_string_member(j, "kid", kid);
      if (!alg.empty()) keyformat::add_string_member(j, "alg", alg);
    }
    return true;
  });
  j += '}';
  return j;
}

// read_key_items parses a JWK or JWKS file strictly into |doc| and lists
// its keys: the entries of "keys" (objects or not), or the document itself
// when it is one JWK. Returns an empty string, or a sentence naming |file|.
std::string read_key_items(const std::string& file, std::string_view text, JsonDocument& doc,
                           std::vector<json::Value>& items) {
  if (const std::string why = doc.parse(text, true); !why.empty()) {
    return "'" + file + "' is not a JWK or JWKS: " + why;
  }
  const json::Value keys = doc.root().member("keys");
  if (keys.kind() == json::Value::Kind::array) {
    keys.for_each_element([&](json::Value k) {
      items.push_back(k);
      return true;
    });
  } else if (str_member(doc.root(), "kty")) {
    items.push_back(doc.root());
  } else {
    return "'" + file + "' is neither a JWK (no \"kty\") nor a JWKS (no \"keys\" array)";
  }
  return {};
}

// collect reads every key of |files| as a public JWK. False after printing
// why on standard error.
bool collect(const CLI::App& app, const std::vector<std::string>& files, const Options& opt,
             std::vector<KeyJson>& out) {
  auto error = [&](const std::string& what) {
    std::fprintf(stderr, "%s: %s\n", app.get_name().c_str(), what.c_str());
    return false;
  };
  std::optional<Alg> alg;
  if (!opt.alg.empty()) {
    alg = parse_alg(app, opt.alg);
    if (!alg) return false;
  }
  for (const std::string& file : files) {
    std::string text;
    if (!read_file(file, text)) return error("cannot read '" + file + "': " + std::strerror(errno));
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) {
      JsonDocument doc;
      std::vector<json::Value> objects;
      if (const std::string why = read_key_items(file, text, doc, objects); !why.empty()) {
        return error(why);
      }
      for (const json::Value& o : objects) {
        if (o.kind() != json::Value::Kind::object) {
          return error("'" + file + "': a member of \"keys\" is not an object");
        }
      }
      for (size_t i = 0; i < objects.size(); ++i) {
        const std::string source = file + " key #" + std::to_string(i);
        const std::string kid = out.size() < opt.kids.size() ? opt.kids[out.size()] : "";
        bool had_private = false;
        std::string json = public_json(objects[i], kid, opt.alg, had_private);
        if (had_private) {
          std::fprintf(stderr, "%s: note: %s: private members left out\n", app.get_name().c_str(),
                       source.c_str());
        }
        if (str_member(objects[i], "kty") == std::optional<std::string_view>("oct")) {
          std::fprintf(stderr, "%s: warning: %s is an HMAC secret (oct): never publish this JWKS\n",
                       app.get_name().c_str(), source.c_str());
        }
        out.push_back({std::move(json), source});
      }
      continue;
    }
    std::string why;
    const Result<std::vector<keyformat::PemKey>> keys = keyformat::read_pem(text, &why);
    if (!keys.ok()) return error("'" + file + "': " + why);
    for (size_t i = 0; i < keys->size(); ++i) {
      const std::string source = file + " key #" + std::to_string(i);
      const keyformat::KeyData& key = (*keys)[i].key;
      if (alg && (keyformat::check_fits(key, *alg, &why) != Status::ok ||
                  keyformat::check_strength(key, *alg, &why) != Status::ok)) {
        return error(source + ": " + why);
      }
      const keyformat::JwkParams params{out.size() < opt.kids.size() ? opt.kids[out.size()] : "",
                                        opt.alg, opt.use};
      Result<std::string> json =
          keyformat::write_jwk(key, params, keyformat::JwkMembers::public_only, &why);
      if (!json.ok()) return error(source + ": " + why);
      out.push_back({std::move(*json), source});
    }
  }
  if (out.size() < opt.kids.size()) {
    return error(std::to_string(opt.kids.size()) + " --kid given for " + std::to_string(out.size()) +
                 " key(s)");
  }
  // Keys without kid get their RFC 7638 thumbprint (RFC 7638 §1 suggests
  // it as a kid), so tokens can name them.
  if (!opt.no_kid) {
    for (KeyJson& k : out) {
      JsonDocument doc;
      if (!doc.parse(k.json, true).empty() || str_member(doc.root(), "kid")) continue;
      std::string why;
      const Result<std::string> tp = keyformat::thumbprint(k.json, &why);
      if (!tp.ok()) return error(k.source + ": no thumbprint: " + why);
      bool had_private = false;
      k.json = public_json(doc.root(), *tp, "", had_private);
    }
  }
  return true;
}

// describe names a JWK's type and size from its members: "RSA 2048", "EC P-256".
std::string describe(const json::Value& o) {
  const std::string kty(str_member(o, "kty").value_or("?"));
  auto bits_of = [&](const char* name) -> std::string {
    const std::optional<std::string_view> v = str_member(o, name);
    if (!v) return "";
    std::vector<uint8_t> bytes(base64url::decoded_max_len(v->size()));
    size_t len = 0;
    if (base64url::decode(*v, bytes.data(), &len) != Status::ok) return " (bad base64url)";
    size_t i = 0;
    while (i < len && bytes[i] == 0) ++i;
    size_t bits = (len - i) * 8;
    if (i < len) {
      for (uint8_t b = bytes[i]; b < 0x80; b = static_cast<uint8_t>(b << 1)) --bits;
    }
    return " " + std::to_string(kty == "oct" ? len * 8 : bits);
  };
  if (kty == "RSA") return "RSA" + bits_of("n");
  if (kty == "oct") return "oct" + bits_of("k");
  if (kty == "EC" || kty == "OKP") return kty + " " + std::string(str_member(o, "crv").value_or("?"));
  return "kty " + kty;
}

int check(const CLI::App& app, const std::string& file, bool strict) {
  std::string text;
  if (!read_file(file, text)) {
    return fail(app, kExitUsage, "cannot read '" + file + "': " + std::strerror(errno));
  }
  JsonDocument doc;
  std::vector<json::Value> items;
  if (const std::string why = read_key_items(file, text, doc, items); !why.empty()) {
    return fail(app, kExitUsage, why);
  }

  std::map<std::string, int> kid_count;
  for (const json::Value& o : items) {
    if (std::optional<std::string_view> kid = str_member(o, "kid")) ++kid_count[std::string(*kid)];
  }

  int errors = 0, warnings = 0, usable = 0;
  // Usable keys without kid, by type and pinned alg: two alike are
  // ambiguous for every kid-less token (docs/design.md: exactly one candidate).
  std::map<std::string, size_t> kidless;
  std::string report = file + ": " + std::to_string(items.size()) + " key" +
                       (items.size() == 1 ? "" : "s") + "\n";
  for (size_t i = 0; i < items.size(); ++i) {
    std::vector<std::string> lines;
    auto problem = [&](bool is_error, const std::string& what) {
      (is_error ? errors : warnings) += 1;
      lines.push_back(std::string(is_error ? "ERROR   " : "WARNING ") + what);
    };
    const json::Value& o = items[i];
    if (o.kind() != json::Value::Kind::object) {
      report += "  #" + std::to_string(i) + "  not a JSON object\n      ERROR   bad_key: skipped by jve\n";
      ++errors;
      continue;
    }
    const std::string json = o.minified();
    const std::optional<std::string_view> kid = str_member(o, "kid");
    const std::optional<std::string_view> alg = str_member(o, "alg");
    std::string head = "  #" + std::to_string(i) + "  " +
                       (kid ? "kid " + json_string(*kid) : std::string("(no kid)")) + "  " + describe(o) +
                       "  " + (alg ? "alg " + std::string(*alg) : std::string("(no alg)"));
    if (const Result<std::string> tp = keyformat::thumbprint(json); tp.ok()) {
      head += "\n      thumbprint " + *tp;
    }

    std::string load_why;
    const Result<std::shared_ptr<const Key>> key = Key::from_jwk(json, &load_why);
    if (!key.ok()) {
      const Status s = key.status();
      const bool is_error = s != Status::key_not_for_signing;
      problem(is_error, std::string(to_string(s)) + ": " + load_why +
                            (is_error ? " (jve verify leaves this key out)"
                                      : " (not a signing key: jve verify leaves it out)"));
    } else {
      ++usable;
      if (!kid) {
        const std::string group = std::string(key_type_name((*key)->type())) + "/" +
                                  ((*key)->alg() ? std::string(alg_name(*(*key)->alg())) : "*");
        if (++kidless[group] == 2) {
          problem(true, "ambiguous: another " + std::string(key_type_name((*key)->type())) +
                            " key has no kid either; jve rejects kid-less tokens that fit both "
                            "(ambiguous_key)");
        }
      }
    }
    if (kid && kid_count[std::string(*kid)] > 1) {
      problem(true, "duplicate kid: " + std::to_string(kid_count[std::string(*kid)]) +
                        " keys share it; tokens naming it are rejected (ambiguous_key)");
    }
    JsonDocument::for_each_member(o, [&](std::string_view name, const json::Value&) {
      if (!keyformat::is_private_member(name)) return true;
      problem(true, "private key material (\"" + std::string(name) +
                        "\"): a JWKS to publish must hold public keys only");
      return false;
    });
    if (str_member(o, "kty") == std::optional<std::string_view>("oct")) {
      problem(false, "HMAC secret (oct): this JWKS must stay private");
    }
    if (!kid && items.size() > 1) problem(false, "no kid: only tokens without kid can select this key");
    if (!alg && key.ok()) lines.push_back("note    no alg: every algorithm that fits the key type is accepted");
    report += head + "\n";
    if (lines.empty()) lines.push_back("ok");
    for (const std::string& l : lines) report += "      " + l + "\n";
  }
  // The whole document, by the rule of jve's key sources and C API: with no
  // usable key (an empty "keys" included) they refuse it.
  std::string set_why;
  if (const Result<std::shared_ptr<const KeySet>> set = parse_usable_jwks(text, &set_why); !set.ok()) {
    report += "  (the set)\n      ERROR   " + std::string(to_string(set.status())) + ": " + set_why +
              " (jve's key sources and C API refuse it)\n";
    ++errors;
  }
  report += "summary: " + std::to_string(usable) + " usable, " + std::to_string(errors) + " error" +
            (errors == 1 ? "" : "s") + ", " + std::to_string(warnings) + " warning" +
            (warnings == 1 ? "" : "s") + "\n";
  std::fwrite(report.data(), 1, report.size(), stdout);
  return errors > 0 || (strict && warnings > 0) ? kExitInvalid : kExitOk;
}

}  // namespace

int run_jwks_command(int argc, char** argv) {
  CLI::App app{"Convert PEM keys to JWK, build a JWKS, print thumbprints, check a JWKS.", "jve jwks"};
  app.footer(kFooter);
  app.require_subcommand(1, 1);
  Options opt;
  std::vector<std::string> files;
  bool strict = false;
  auto add_key_options = [&](CLI::App* sub) {
    sub->add_option("FILE", files, "PEM or JSON key files")->required();
    sub->add_option("--kid", opt.kids, "kid of the N-th key (repeat; default: its own, else its thumbprint)")
        ->allow_extra_args(false);
    sub->add_option("--alg", opt.alg, "pin every key to ALG (adds \"alg\")");
    sub->add_option("--use", opt.use, "\"use\" of PEM keys (default sig; '' leaves it out)");
    sub->add_flag("--no-kid", opt.no_kid, "do not add thumbprint kids");
  };
  CLI::App* build = app.add_subcommand("build", "print a JWKS with every key of the FILEs");
  add_key_options(build);
  CLI::App* convert = app.add_subcommand("convert", "print the one key of the FILEs as a JWK");
  add_key_options(convert);
  CLI::App* tp = app.add_subcommand("thumbprint", "print 'THUMBPRINT KID TYPE' (RFC 7638, SHA-256) per key");
  tp->add_option("FILE", files, "PEM or JSON key files")->required();
  CLI::App* chk = app.add_subcommand("check", "report weak, unusable, duplicate or private keys");
  std::string check_file;
  chk->add_option("FILE", check_file, "the JWKS (or JWK)")->required();
  chk->add_flag("--strict", strict, "exit 1 on warnings too");
  for (CLI::App* sub : {build, convert, tp, chk}) sub->footer(kFooter);
  if (const int rc = parse_args(app, argc, argv); rc >= 0) return rc;

  if (chk->parsed()) return check(app, check_file, strict);

  if (tp->parsed()) opt.no_kid = true;
  std::vector<KeyJson> keys;
  if (!collect(app, files, opt, keys)) return kExitUsage;
  std::string out;
  if (tp->parsed()) {
    for (const KeyJson& k : keys) {
      std::string why;
      const Result<std::string> t = keyformat::thumbprint(k.json, &why);
      if (!t.ok()) return fail(app, kExitUsage, k.source + ": " + why);
      JsonDocument doc;
      if (!doc.parse(k.json, true).empty()) continue;
      const std::optional<std::string_view> kid = str_member(doc.root(), "kid");
      out += *t + "  " + (kid ? std::string(*kid) : "-") + "  " + describe(doc.root()) + "  " + k.source + "\n";
    }
  } else if (convert->parsed()) {
    if (keys.size() != 1) {
      return fail(app, kExitUsage, "convert takes exactly one key; found " + std::to_string(keys.size()) +
                                       " (use 'jve jwks build')");
    }
    out = json_pretty(keys[0].json) + "\n";
  } else {
    std::vector<std::string> jwks;
    for (const KeyJson& k : keys) jwks.push_back(k.json);
    out = json_pretty(keyformat::write_jwks(jwks)) + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace jve::cli
