// Interop with an independent implementation: PyJWT 2.6 (Debian's
// python3-jwt) and python3-cryptography, driven by tests/interop/make_tokens.py.
//
//   python -> jve: the script signs one token per algorithm with fresh keys
//     (plus negatives: wrong key, tampered payload, expired, nbf in the
//     future, wrong aud / iss, unknown kid, alg none, weak keys); jve must
//     accept every valid one and give each negative its exact Status.
//   jve -> python: testkit signs one token per algorithm; the script's
//     --verify mode checks them with PyJWT, which must accept every untampered
//     token and refuse every tampered one.
//
// Skipped (with the reason) only when no python3 with the jwt and
// cryptography modules is found.
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "jve/jve.hpp"
#include "testkit.h"

namespace jve {
namespace {

namespace fs = std::filesystem;

const char kScript[] = JVE_SOURCE_DIR "/tests/interop/make_tokens.py";

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

int exit_code(int status) {
  if (status == -1) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// run returns the command's exit code and fills |out| with its stdout.
int run(const std::string& cmd, std::string* out = nullptr) {
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
  const int status = pclose(p);
  if (out != nullptr) *out = std::move(text);
  return exit_code(status);
}

// find_python returns a python3 that can import jwt and cryptography, or
// nothing. Debian's /usr/bin/python3 comes first: a python3 earlier in PATH
// (pyenv, venv) may lack Debian's python3-jwt.
std::optional<std::string> find_python() {
  for (const char* candidate : {"/usr/bin/python3", "python3"}) {
    const std::string cmd = std::string(candidate) +
                            " -c 'import jwt, cryptography' >/dev/null 2>&1";
    if (run(cmd) == 0) return std::string(candidate);
  }
  return std::nullopt;
}

struct PyCase {
  std::string name, alg, token, jwks, expect;
};

struct PyDoc {
  int64_t now = 0;
  std::string issuer, audience;
  std::vector<PyCase> cases;
};

std::string str_member(simdjson::dom::element e, const char* key) {
  std::string_view sv;
  return e[key].get(sv) == simdjson::SUCCESS ? std::string(sv) : std::string();
}

bool parse_doc(const std::string& path, PyDoc& doc, std::string& error) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.load(path).get(root); err != simdjson::SUCCESS) {
    error = std::string("cannot parse ") + path + ": " + simdjson::error_message(err);
    return false;
  }
  if (root["now"].get(doc.now) != simdjson::SUCCESS) {
    error = "no integer \"now\"";
    return false;
  }
  doc.issuer = str_member(root, "issuer");
  doc.audience = str_member(root, "audience");
  simdjson::dom::array cases;
  if (root["cases"].get(cases) != simdjson::SUCCESS) {
    error = "no \"cases\" array";
    return false;
  }
  for (simdjson::dom::element c : cases) {
    PyCase pc;
    pc.name = str_member(c, "name");
    pc.alg = str_member(c, "alg");
    pc.token = str_member(c, "token");
    pc.expect = str_member(c, "expect");
    simdjson::dom::element jwks;
    if (c["jwks"].get(jwks) == simdjson::SUCCESS) pc.jwks = simdjson::minify(jwks);
    doc.cases.push_back(std::move(pc));
  }
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class InteropTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    python_ = find_python();
    if (!python_) return;
    char tmpl[] = "/tmp/jve_interop_XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      setup_error_ = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    const std::string out = dir_ + "/py_tokens.json";
    const std::string cmd =
        *python_ + " " + shell_quote(kScript) + " " + shell_quote(out) + " 2>&1";
    std::string log;
    const int rc = run(cmd, &log);
    if (rc != 0) {
      setup_error_ = "make_tokens.py exited " + std::to_string(rc) + ":\n" + log;
      return;
    }
    doc_ = std::make_unique<PyDoc>();
    if (!parse_doc(out, *doc_, setup_error_)) doc_.reset();
  }

  static void TearDownTestSuite() {
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
    doc_.reset();
  }

  void SetUp() override {
    if (!python_)
      GTEST_SKIP() << "no python3 with PyJWT and cryptography (Debian: apt-get install "
                      "python3-jwt python3-cryptography); interop not tested";
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    ASSERT_NE(doc_, nullptr);
  }

  // verify_with_jve checks one python case with jve at the script's clock,
  // the script's issuer and audience configured.
  static Status verify_with_jve(const PyCase& c, Claims& claims, Scratch& scratch) {
    std::string why;
    Result<KeySet> set = KeySet::from_jwks(c.jwks, &why);
    if (!set.ok()) {
      ADD_FAILURE() << c.name << ": JWKS refused: " << to_string(set.status()) << ": " << why
                    << "\n" << c.jwks;
      return set.status();
    }
    Policy policy;
    policy.issuers = {doc_->issuer};
    policy.audiences = {doc_->audience};
    policy.clock = [t = doc_->now] { return t; };
    Verifier verifier(policy, std::make_shared<const KeySet>(std::move(*set)));
    return verifier.verify(c.token, scratch, claims);
  }

  static std::optional<std::string> python_;
  static std::string dir_;
  static std::string setup_error_;
  static std::unique_ptr<PyDoc> doc_;
};

std::optional<std::string> InteropTest::python_;
std::string InteropTest::dir_;
std::string InteropTest::setup_error_;
std::unique_ptr<PyDoc> InteropTest::doc_;

TEST_F(InteropTest, AcceptsPyJwtTokensForEveryAlg) {
  std::set<std::string> seen;
  Scratch scratch;
  for (const PyCase& c : doc_->cases) {
    if (c.expect != "ok") continue;
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(alg_from_name(c.alg).has_value()) << c.alg;
    Claims claims;
    const Status st = verify_with_jve(c, claims, scratch);
    EXPECT_EQ(st, Status::ok) << c.name << ": got " << to_string(st) << "\ntoken " << c.token
                              << "\njwks " << c.jwks;
    if (st != Status::ok) continue;
    seen.insert(c.alg);
    EXPECT_EQ(alg_name(claims.header.alg), c.alg);
    EXPECT_EQ(claims.header.kid, std::optional<std::string_view>("py-" + lower(c.alg)));
    EXPECT_EQ(claims.header.typ, std::optional<std::string_view>("JWT"));
    EXPECT_EQ(claims.iss, std::optional<std::string_view>(doc_->issuer));
    ASSERT_EQ(claims.audience_count(), 1u);
    EXPECT_EQ(claims.audience(0), doc_->audience);
    ASSERT_TRUE(claims.sub.has_value());
    EXPECT_EQ(claims.sub->substr(0, 5), "user-");
    ASSERT_TRUE(claims.jti.has_value());
    EXPECT_EQ(claims.jti->size(), 36u);  // a UUID
    EXPECT_EQ(claims.exp, std::optional<double>(static_cast<double>(doc_->now + 3600)));
    EXPECT_EQ(claims.iat, std::optional<double>(static_cast<double>(doc_->now)));
    EXPECT_EQ(claims.nbf, std::optional<double>(static_cast<double>(doc_->now)));
    EXPECT_EQ(claims.get_string("client_id"), std::optional<std::string_view>("interop-client"));
    EXPECT_EQ(claims.type("roles"), ClaimType::array);
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kNumAlgs)) << "not every alg was accepted";
}

TEST_F(InteropTest, RejectsPyJwtNegativesWithExactStatus) {
  Scratch scratch;
  int negatives = 0;
  for (const PyCase& c : doc_->cases) {
    if (c.expect == "ok") continue;
    ++negatives;
    SCOPED_TRACE(c.name);
    Claims claims;
    const Status st = verify_with_jve(c, claims, scratch);
    EXPECT_EQ(to_string(st), c.expect) << c.name << "\ntoken " << c.token << "\njwks " << c.jwks;
  }
  EXPECT_GE(negatives, 10);
}

// The weak keys PyJWT happily signs with are left out of jve's key set at
// load, with their own status, and remembered by kid.
TEST_F(InteropTest, LeavesOutPyJwtWeakKeysAtLoad) {
  int checked = 0;
  for (const PyCase& c : doc_->cases) {
    if (c.expect != "weak_key") continue;
    SCOPED_TRACE(c.name);
    Result<KeySet> set = KeySet::from_jwks(c.jwks);
    ASSERT_TRUE(set.ok()) << to_string(set.status());
    EXPECT_EQ(set->size(), 0u);
    ASSERT_EQ(set->left_out().size(), 1u);
    EXPECT_EQ(set->left_out()[0].status, Status::weak_key);
    EXPECT_FALSE(set->left_out()[0].why.empty());
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST_F(InteropTest, PyJwtAcceptsTestkitTokensForEveryAlg) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));  // PyJWT reads the real clock
  std::ostringstream in;
  in << "{\"issuer\":" << testkit::json_string(testkit::kIssuer)
     << ",\"audience\":" << testkit::json_string(testkit::kAudience) << ",\"cases\":[";
  std::map<std::string, bool> want_valid;
  std::vector<std::pair<std::string, std::string>> jve_checks;  // token, jwks
  bool first = true;
  uint64_t serial = 0;
  for (Alg alg : testkit::all_algs()) {
    const std::string name(alg_name(alg));
    const testkit::SigningKey key = testkit::generate_key(alg, "jve-" + lower(name));
    const std::string jwks = testkit::jwks({&key});
    const std::string token =
        testkit::sign(key, testkit::header_json(alg, key.kid), testkit::realistic_payload(now, 350, ++serial));
    jve_checks.emplace_back(token, jwks);
    for (const auto& [case_name, tok, valid] :
         {std::tuple<std::string, std::string, bool>{"valid_" + name, token, true},
          std::tuple<std::string, std::string, bool>{"tampered_" + name, testkit::tamper_signature(token),
                                                     false}}) {
      in << (first ? "" : ",") << "{\"name\":" << testkit::json_string(case_name)
         << ",\"alg\":" << testkit::json_string(name) << ",\"token\":" << testkit::json_string(tok)
         << ",\"jwks\":" << jwks << "}";
      first = false;
      want_valid[case_name] = valid;
    }
  }
  in << "]}";

  // jve agrees with itself on the same tokens (so a PyJWT refusal below is
  // a disagreement between the two, not a broken token).
  {
    Scratch scratch;
    for (const auto& [token, jwks] : jve_checks) {
      Result<KeySet> set = KeySet::from_jwks(jwks);
      ASSERT_TRUE(set.ok()) << to_string(set.status()) << "\n" << jwks;
      Policy policy;
      policy.issuers = {std::string(testkit::kIssuer)};
      policy.audiences = {std::string(testkit::kAudience)};
      policy.clock = [now] { return now; };
      Verifier verifier(policy, std::make_shared<const KeySet>(std::move(*set)));
      Claims claims;
      EXPECT_EQ(verifier.verify(token, scratch, claims), Status::ok) << token;
    }
  }

  const std::string in_path = dir_ + "/jve_tokens.json";
  {
    std::ofstream f(in_path, std::ios::binary);
    f << in.str();
    ASSERT_TRUE(f.good());
  }
  std::string out;
  const int rc = run(*python_ + " " + shell_quote(kScript) + " --verify " + shell_quote(in_path) +
                         " 2>&1",
                     &out);
  ASSERT_EQ(rc, 0) << out;

  std::map<std::string, std::string> verdicts;  // name -> rest of line
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    verdicts[line.substr(0, sp)] = line.substr(sp + 1);
  }
  for (const auto& [name, valid] : want_valid) {
    auto it = verdicts.find(name);
    ASSERT_NE(it, verdicts.end()) << "no verdict for " << name << "\n" << out;
    if (valid) {
      EXPECT_EQ(it->second, "valid") << name << ": PyJWT says " << it->second;
    } else {
      EXPECT_EQ(it->second.rfind("invalid", 0), 0u) << name << ": PyJWT says " << it->second;
    }
  }
  EXPECT_EQ(want_valid.size(), 2u * kNumAlgs);
}

}  // namespace
}  // namespace jve
