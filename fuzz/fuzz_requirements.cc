// Requirement documents and authorize (jve/authz.h), differential against a
// reference evaluator written here for clarity: it reads the document and
// the payload with simdjson's plain DOM, follows JSON pointers by splitting
// strings, and splits scope strings into vectors. Where jve compiles a
// document, both must give the same status on the same claims.
//
// Input (FuzzedDataProvider): the requirement document (a string), up to
// three request values (count from the back, then name and value strings),
// and the payload (the rest), which the harness signs with a fixed HS256
// key so that authorize sees the claims of a real verify.
//
// Invariants, beyond agreement: a refused document has an error message; a
// compiled one has a description; every denial has a message, and a scope
// exactly when it is insufficient_scope; messages, descriptions and scopes
// hold no control characters (they reach logs and HTTP headers); claims of
// a failed verify satisfy nothing; authorize is repeatable.
#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/err.h>
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jve/authz.h"
#include "jve/jve.hpp"
#include "keyformat/key.h"
#include "keyformat/sign.h"

namespace {

using simdjson::dom::element;

// ---- The reference evaluator -------------------------------------------

// items returns |e|'s array by value: a range-for over
// e.get_array().value() would iterate a dead temporary (C++20).
simdjson::dom::array items(element e) { return e.get_array().value(); }

// resolve follows |pointer| (RFC 6901) from |root|; nullopt when a step is
// missing.
std::optional<element> resolve(element root, const std::string& pointer) {
  element cur = root;
  size_t pos = 1;  // pointer[0] is '/'
  while (true) {
    size_t end = pointer.find('/', pos);
    if (end == std::string::npos) end = pointer.size();
    std::string token = pointer.substr(pos, end - pos);
    std::string unescaped;
    for (size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~') {
        unescaped += token[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        unescaped += token[i];
      }
    }
    if (cur.is_object()) {
      element next;
      if (cur.get_object().value().at_key(unescaped).get(next) != simdjson::SUCCESS) return std::nullopt;
      cur = next;
    } else if (cur.is_array()) {
      const bool digits = !unescaped.empty() && unescaped.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || (unescaped.size() > 1 && unescaped[0] == '0') || unescaped.size() > 18) return std::nullopt;
      const size_t index = std::stoull(unescaped);
      size_t i = 0;
      bool found = false;
      for (element e : items(cur)) {
        if (i++ == index) {
          cur = e;
          found = true;
          break;
        }
      }
      if (!found) return std::nullopt;
    } else {
      return std::nullopt;
    }
    if (end == pointer.size()) return cur;
    pos = end + 1;
  }
}

std::vector<std::string> granted_by(std::optional<element> claim) {
  std::vector<std::string> out;
  if (!claim) return out;
  if (claim->is_string()) {
    std::string s(claim->get_string().value());
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t end = s.find(' ', pos);
      if (end == std::string::npos) end = s.size();
      if (end > pos) out.push_back(s.substr(pos, end - pos));
      pos = end + 1;
    }
  } else if (claim->is_array()) {
    for (element e : items(*claim))
      if (e.is_string()) out.emplace_back(e.get_string().value());
  }
  return out;
}

// same: |v| has the JSON type and value of the document's scalar |want|.
bool same(element v, element want) {
  if (want.is_string()) return v.is_string() && v.get_string().value() == want.get_string().value();
  if (want.is_bool()) return v.is_bool() && v.get_bool().value() == want.get_bool().value();
  int64_t a, b;
  return v.get_int64().get(a) == simdjson::SUCCESS && want.get_int64().get(b) == simdjson::SUCCESS && a == b;
}

bool is_string_equal(element v, std::string_view want) {
  return v.is_string() && v.get_string().value() == want;
}

template <class Pred>
bool is_or_holds(std::optional<element> v, Pred pred) {
  if (!v) return false;
  if (pred(*v)) return true;
  if (!v->is_array()) return false;
  for (element e : items(*v))
    if (pred(e)) return true;
  return false;
}

struct Ref {
  element payload;
  const std::vector<jve::RequestValue>& values;

  jve::Status eval(element rule) const {
    simdjson::dom::object o = rule.get_object().value();
    element x;
    if (o.at_key("scopes").get(x) == simdjson::SUCCESS) {
      std::vector<std::string> from = {"/scope", "/scp"};
      element fc;
      if (o.at_key("scope_claims").get(fc) == simdjson::SUCCESS) {
        from.clear();
        for (element e : items(fc)) from.emplace_back(e.get_string().value());
      }
      std::vector<std::string> granted;
      for (const std::string& p : from)
        for (std::string& s : granted_by(resolve(payload, p))) granted.push_back(s);
      for (element e : items(x)) {
        bool found = false;
        for (const std::string& g : granted) found |= g == e.get_string().value();
        if (!found) return jve::Status::insufficient_scope;
      }
      return jve::Status::ok;
    }
    if (o.at_key("all_of").get(x) == simdjson::SUCCESS) {
      for (element c : items(x))
        if (jve::Status s = eval(c); s != jve::Status::ok) return s;
      return jve::Status::ok;
    }
    if (o.at_key("any_of").get(x) == simdjson::SUCCESS) {
      bool every_failure_is_scope = true;
      for (element c : items(x)) {
        const jve::Status s = eval(c);
        if (s == jve::Status::ok) return s;
        if (s != jve::Status::insufficient_scope) every_failure_is_scope = false;
      }
      return every_failure_is_scope ? jve::Status::insufficient_scope : jve::Status::forbidden;
    }
    const std::string pointer(o.at_key("claim").get_string().value());
    const std::optional<element> claim = resolve(payload, pointer);
    auto verdict = [](bool ok) { return ok ? jve::Status::ok : jve::Status::forbidden; };
    if (o.at_key("equals").get(x) == simdjson::SUCCESS) return verdict(claim && same(*claim, x));
    if (o.at_key("contains").get(x) == simdjson::SUCCESS)
      return verdict(is_or_holds(claim, [&](element e) { return same(e, x); }));
    const bool contains = o.at_key("contains_request").get(x) == simdjson::SUCCESS;
    if (!contains) x = o.at_key("equals_request").value();
    const std::string_view name = x.get_string().value();
    const jve::RequestValue* rv = nullptr;
    for (const jve::RequestValue& v : values)
      if (v.name == name) {
        rv = &v;
        break;
      }
    if (rv == nullptr) return jve::Status::forbidden;
    if (contains) return verdict(is_or_holds(claim, [&](element e) { return is_string_equal(e, rv->value); }));
    return verdict(claim && is_string_equal(*claim, rv->value));
  }
};

// ---- Harness -------------------------------------------------------------

[[noreturn]] void fail(const char* what, std::string_view doc, std::string_view payload) {
  std::fprintf(stderr, "fuzz_requirements: %s\n  document: %.*s\n  payload: %.*s\n", what,
               static_cast<int>(doc.size()), doc.data(), static_cast<int>(payload.size()), payload.data());
  std::abort();
}

bool clean(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return false;
  }
  return true;
}

constexpr char kSecret[] = "jve-fuzz-hmac-secret-0123456789!";

struct Fixture {
  Fixture() {
    key = jve::keyformat::KeyData::from_secret(
        std::span(reinterpret_cast<const uint8_t*>(kSecret), sizeof(kSecret) - 1));
    auto k = jve::Key::from_secret(std::span(reinterpret_cast<const uint8_t*>(kSecret), sizeof(kSecret) - 1));
    if (!k.ok()) std::abort();
    auto set = jve::KeySet({*k});
    jve::Policy p;
    p.algorithms = jve::AlgSet().add(jve::Alg::HS256);
    p.required_claims.clear();
    p.check_audience = false;
    p.clock = [] { return int64_t{1'700'000'000}; };
    verifier = std::make_unique<jve::Verifier>(p, std::make_shared<const jve::KeySet>(std::move(set)));
  }
  jve::keyformat::KeyData key;
  std::unique_ptr<jve::Verifier> verifier;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture;
  FuzzedDataProvider in(data, size);
  const std::string doc = in.ConsumeRandomLengthString(2048);
  std::vector<std::string> strings;
  const int count = in.ConsumeIntegralInRange<int>(0, 3);
  for (int i = 0; i < 2 * count; ++i) strings.push_back(in.ConsumeRandomLengthString(24));
  std::vector<jve::RequestValue> values;
  for (int i = 0; i < count; ++i) values.push_back({strings[2 * i], strings[2 * i + 1]});
  const std::string payload = in.ConsumeRemainingBytesAsString();

  std::string error;
  auto req = jve::Requirement::from_json(doc, &error);
  if (!req.ok()) {
    const jve::Status s = req.status();
    if (error.empty()) fail("a refused document without an error message", doc, payload);
    if (s != jve::Status::bad_json && s != jve::Status::duplicate_member && s != jve::Status::too_deep)
      fail("a refused document with an unexpected status", doc, payload);
    return 0;
  }
  if (req->describe().empty() || !clean(req->describe())) fail("bad description", doc, payload);

  auto token = jve::keyformat::sign_compact(fixture.key, jve::Alg::HS256, R"({"alg":"HS256"})", payload);
  ERR_clear_error();
  if (!token.ok()) return 0;
  thread_local jve::Scratch scratch;
  jve::Claims claims;
  const bool verified = fixture.verifier->verify(*token, scratch, claims) == jve::Status::ok;

  jve::Denial denial;
  const jve::Status got = jve::authorize(claims, *req, values, &denial);
  if (got != jve::Status::ok && got != jve::Status::insufficient_scope && got != jve::Status::forbidden)
    fail("authorize returned another status", doc, payload);
  if (got == jve::Status::ok) {
    if (!verified) fail("unverified claims were authorized", doc, payload);
  } else {
    if (denial.message.empty() || !clean(denial.message)) fail("bad denial message", doc, payload);
    if ((got == jve::Status::insufficient_scope) != !denial.scope.empty() || !clean(denial.scope))
      fail("denial scope does not fit the status", doc, payload);
  }
  if (jve::authorize(claims, *req, values) != got) fail("authorize is not repeatable", doc, payload);
  if (!verified) {
    if (got != jve::Status::forbidden) fail("unverified claims: not forbidden", doc, payload);
    return 0;
  }

  // The reference reads the document and the payload with its own parser.
  simdjson::dom::parser doc_parser, payload_parser;
  element doc_root, payload_root;
  if (doc_parser.parse(doc).get(doc_root) != simdjson::SUCCESS ||
      payload_parser.parse(payload).get(payload_root) != simdjson::SUCCESS)
    fail("jve accepted JSON simdjson's DOM refuses", doc, payload);
  const Ref ref{payload_root, values};
  if (ref.eval(doc_root) != got) {
    std::fprintf(stderr, "jve: %s, reference: %s\n", std::string(jve::to_string(got)).c_str(),
                 std::string(jve::to_string(ref.eval(doc_root))).c_str());
    fail("jve and the reference disagree", doc, payload);
  }
  return 0;
}
