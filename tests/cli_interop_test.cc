// Interop of the CLI with PyJWT 2.6 (Debian's python3-jwt), through
// tests/interop/make_tokens.py:
//   jve keygen + jve sign -> PyJWT verifies, for every algorithm;
//   PyJWT signs (valid and negative cases) -> jve verify gives each token
//   its expected exit code and status.
// Skipped (with the reason) only when no python3 with jwt and cryptography
// is found.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>

#include "cli_util.h"
#include "jve/jve.hpp"
#include "testkit.h"

namespace jve::cli_test {
namespace {

const char kScript[] = JVE_SOURCE_DIR "/tests/interop/make_tokens.py";

class CliInterop : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    // Debian's python3 first: one earlier in PATH (pyenv) may lack python3-jwt.
    for (const char* candidate : {"/usr/bin/python3", "python3"}) {
      const std::string cmd = std::string(candidate) + " -c 'import jwt, cryptography' >/dev/null 2>&1";
      if (exit_code(std::system(cmd.c_str())) == 0) {
        python_ = candidate;
        return;
      }
    }
    GTEST_SKIP() << "no python3 with the jwt and cryptography modules (Debian: python3-jwt)";
  }

  // python runs the script and returns its exit code; stdout in |out|.
  int python(const std::string& args, std::string& out) {
    const std::string out_file = path("py_out"), err_file = path("py_err");
    const std::string cmd = python_ + " " + shell_quote(kScript) + " " + args + " >" + shell_quote(out_file) +
                            " 2>" + shell_quote(err_file);
    const int rc = exit_code(std::system(cmd.c_str()));
    out = slurp(out_file);
    if (rc != 0) ADD_FAILURE() << slurp(err_file);
    return rc;
  }

  std::string python_;
};

constexpr const char kIssuer[] = "https://auth.example.com/";
constexpr const char kAudience[] = "https://api.example.com";

TEST_F(CliInterop, PyJwtVerifiesTokensMadeByJveSign) {
  std::string cases;
  for (Alg alg : testkit::all_algs()) {
    const std::string name(alg_name(alg));
    const std::string priv = file(name + ".jwk", ok_out({"keygen", "--alg", name, "--kid", "cli-" + name,
                                                         "--public", path(name + ".pub")}));
    const std::string token = ok_out({"sign", "--key", priv, "--alg", name, "--iss", kIssuer, "--aud",
                                      kAudience, "--sub", "alice", "--iat"});
    if (!cases.empty()) cases += ',';
    cases += "{\"name\":\"" + name + "\",\"alg\":\"" + name + "\",\"token\":\"" + token +
             "\",\"jwks\":" + slurp(path(name + ".pub")) + "}";
  }
  const std::string in = file("in.json", std::string("{\"issuer\":\"") + kIssuer + "\",\"audience\":\"" +
                                             kAudience + "\",\"cases\":[" + cases + "]}");
  std::string out;
  ASSERT_EQ(python("--verify " + shell_quote(in), out), 0);
  for (Alg alg : testkit::all_algs()) {
    EXPECT_TRUE(contains(out, std::string(alg_name(alg)) + " valid\n")) << out;
  }
  EXPECT_FALSE(contains(out, "invalid")) << out;
}

TEST_F(CliInterop, JveVerifyChecksTokensMadeByPyJwt) {
  const std::string generated = path("py.json");
  std::string ignored;
  ASSERT_EQ(python(shell_quote(generated), ignored), 0);
  const simdjson::padded_string doc_text(slurp(generated));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(doc_text).get(doc), simdjson::SUCCESS);
  int64_t now = 0;
  ASSERT_EQ(doc["now"].get_int64().get(now), simdjson::SUCCESS);
  std::string_view issuer, audience;
  ASSERT_EQ(doc["issuer"].get_string().get(issuer), simdjson::SUCCESS);
  ASSERT_EQ(doc["audience"].get_string().get(audience), simdjson::SUCCESS);
  simdjson::dom::array cases;
  ASSERT_EQ(doc["cases"].get_array().get(cases), simdjson::SUCCESS);
  int valid = 0, invalid = 0;
  for (simdjson::dom::element c : cases) {
    std::string_view name, token, expect;
    ASSERT_EQ(c["name"].get_string().get(name), simdjson::SUCCESS);
    ASSERT_EQ(c["token"].get_string().get(token), simdjson::SUCCESS);
    ASSERT_EQ(c["expect"].get_string().get(expect), simdjson::SUCCESS);
    simdjson::dom::element jwks;
    ASSERT_EQ(c["jwks"].get(jwks), simdjson::SUCCESS);
    SCOPED_TRACE(std::string(name));
    const std::string jwks_file = file("case.jwks", simdjson::minify(jwks));
    const CliResult r = jve({"verify", "--jwks", jwks_file, "--now", std::to_string(now), "--iss",
                       std::string(issuer), "--aud", std::string(audience), std::string(token)});
    if (expect == "ok") {
      EXPECT_EQ(r.exit, 0) << r.err;
      ++valid;
    } else {
      EXPECT_EQ(r.exit, 1) << r.err;
      EXPECT_TRUE(contains(r.err, "error: " + std::string(expect) + ": ")) << r.err;
      ++invalid;
    }
  }
  EXPECT_EQ(valid, 13);
  EXPECT_GT(invalid, 5);
}

}  // namespace
}  // namespace jve::cli_test
