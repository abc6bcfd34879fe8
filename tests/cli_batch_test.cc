// End-to-end tests of `jve verify --tokens`: one JSON result per line in
// input order, the summary, exit codes, and 100,000 mixed tokens.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli_util.h"
#include "jve/jve.hpp"
#include "testkit.h"

namespace jve::cli_test {
namespace {

constexpr int64_t kNow = 1700000000;

class CliBatch : public CliFixture {};

std::string summary_line(const char* status, int count) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "  %-20s %d\n", status, count);
  return buf;
}

TEST_F(CliBatch, CountsHundredThousandMixedTokens) {
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS256, "hs");
  const testkit::SigningKey ed = testkit::generate_key(Alg::EdDSA, "ed");
  const std::string jwks = file("jwks.json", testkit::jwks({&hs, &ed}));
  const std::string hs_header = testkit::header_json(Alg::HS256, "hs");
  const std::string ed_header = testkit::header_json(Alg::EdDSA, "ed");
  const std::string nope_header = testkit::header_json(Alg::HS256, "nope");
  constexpr int kTokens = 100000;
  std::string input;
  std::vector<std::string> expect(kTokens);  // "" valid, else the status
  for (int i = 0; i < kTokens; ++i) {
    const std::string claims = "{\"sub\":\"u" + std::to_string(i) + "\",\"exp\":" +
                               std::to_string(i % 10 == 7 ? kNow - 10 : kNow + 3600) + "}";
    std::string token;
    switch (i % 10) {
      case 6: token = testkit::sign(ed, ed_header, claims); break;
      case 7: token = testkit::sign(hs, hs_header, claims); expect[i] = "expired"; break;
      case 8: token = testkit::tamper_signature(testkit::sign(hs, hs_header, claims)); expect[i] = "bad_signature"; break;
      case 9:
        if (i % 20 == 9) {
          token = "not-a-token-" + std::to_string(i);
          expect[i] = "malformed";
        } else {
          token = testkit::sign(hs, nope_header, claims);
          expect[i] = "key_not_found";
        }
        break;
      default: token = testkit::sign(hs, hs_header, claims);
    }
    input += token;
    input += '\n';
  }
  const std::string tokens = file("tokens.txt", input);
  const std::vector<std::string> args = {"verify", "--jwks", jwks, "--now", std::to_string(kNow), "--tokens", tokens};
  std::vector<std::string> two = args, one = args;
  two.insert(two.end(), {"--threads", "2"});
  one.insert(one.end(), {"--threads", "1"});

  const CliResult r = jve(two);
  EXPECT_EQ(r.exit, 1);
  EXPECT_TRUE(contains(r.err, "jve verify: 100000 tokens in ")) << r.err;
  EXPECT_TRUE(contains(r.err, "2 threads): 70000 valid, 30000 invalid\n")) << r.err;
  for (const auto& [status, count] : std::vector<std::pair<const char*, int>>{
           {"malformed", 5000}, {"key_not_found", 5000}, {"bad_signature", 10000}, {"expired", 10000}}) {
    EXPECT_TRUE(contains(r.err, summary_line(status, count))) << r.err;
  }
  // One line per token, in input order, each saying what it should.
  size_t pos = 0;
  int checked = 0;
  for (int i = 0; i < kTokens && pos < r.out.size(); ++i) {
    const size_t nl = r.out.find('\n', pos);
    ASSERT_NE(nl, std::string::npos);
    const std::string line = r.out.substr(pos, nl - pos);
    pos = nl + 1;
    const std::string head = "{\"line\":" + std::to_string(i + 1) + ",";
    ASSERT_EQ(line.rfind(head, 0), 0u) << line;
    if (expect[i].empty()) {
      ASSERT_TRUE(contains(line, ",\"valid\":true,\"claims\":{\"sub\":\"u" + std::to_string(i) + "\"")) << line;
    } else {
      ASSERT_TRUE(contains(line, ",\"valid\":false,\"error\":\"" + expect[i] + "\",\"message\":\"")) << line;
    }
    ++checked;
  }
  EXPECT_EQ(checked, kTokens);
  EXPECT_EQ(pos, r.out.size());
  // One thread prints exactly the same.
  const CliResult r1 = jve(one);
  EXPECT_EQ(r1.exit, 1);
  EXPECT_TRUE(r1.out == r.out);
  EXPECT_TRUE(contains(r1.err, "1 thread): 70000 valid, 30000 invalid\n")) << r1.err;
  // The batch path's HS256 kernel changes nothing in what is printed.
  ::setenv("JVE_FORCE_HS256_KERNEL", "boringssl", 1);
  const CliResult r2 = jve(one);
  ::unsetenv("JVE_FORCE_HS256_KERNEL");
  EXPECT_EQ(r2.exit, 1);
  EXPECT_TRUE(r2.out == r.out);
}

TEST_F(CliBatch, ReadsStandardInputSkipsBlankLinesAndExitsZeroWhenAllValid) {
  const testkit::SigningKey key = testkit::generate_key(Alg::ES256, "k");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string header = testkit::header_json(Alg::ES256, "k");
  const std::string t1 = testkit::sign(key, header, R"({"sub":"a","exp":1700003600})");
  // A payload signed with line breaks is printed on one line.
  const std::string t2 = testkit::sign(key, header, "{\n  \"sub\": \"b\",\n  \"exp\": 1700003600\n}");
  const std::vector<std::string> args = {"verify", "--jwks", jwks, "--now", std::to_string(kNow), "--tokens", "-"};
  CliResult r = jve(args, "\n" + t1 + "\r\n\n" + t2);  // no final newline
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"line\":2,\"valid\":true,\"claims\":{\"sub\":\"a\",\"exp\":1700003600}}\n"
            "{\"line\":4,\"valid\":true,\"claims\":{\"sub\":\"b\",\"exp\":1700003600}}\n");
  EXPECT_TRUE(contains(r.err, "2 tokens in")) << r.err;
  // --quiet: no summary; an empty input is all valid.
  std::vector<std::string> quiet = args;
  quiet.push_back("--quiet");
  r = jve(quiet, "");
  EXPECT_EQ(r.exit, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  // One invalid token: exit 1, with its error and message.
  r = jve(quiet, t1 + "\n" + testkit::tamper_signature(t2) + "\n");
  EXPECT_EQ(r.exit, 1);
  EXPECT_TRUE(contains(r.out, "{\"line\":2,\"valid\":false,\"error\":\"bad_signature\",\"message\":\"" +
                                  std::string(message(Status::bad_signature)) + "\"}\n"))
      << r.out;
}

TEST_F(CliBatch, ExitsTwoOnUsageAndInputErrors) {
  const testkit::SigningKey key = testkit::generate_key(Alg::HS256, "k");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string tokens = file("tokens.txt", "x\n");
  const std::vector<std::vector<std::string>> cases = {
      {"--jwks", jwks, "--tokens", tokens, "some.token.here"},
      {"--jwks", jwks, "--tokens", tokens, "--token-file", tokens},
      {"--jwks", jwks, "--tokens", tokens, "--jws"},
      {"--jwks", jwks, "--threads", "2", "some.token.here"},
      {"--jwks", jwks, "--tokens", tokens, "--threads", "0"},
      {"--jwks", jwks, "--tokens", tokens, "--threads", "many"},
      {"--jwks", jwks, "--tokens"},
      {"--jwks", path("missing.json"), "--tokens", tokens},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"verify"};
    args.insert(args.end(), c.begin(), c.end());
    SCOPED_TRACE(c.back());
    const CliResult r = jve(args);
    EXPECT_EQ(r.exit, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("jve verify: ", 0), 0u) << r.err;
  }
  for (const std::string& f : {path("missing.txt"), dir_}) {
    const CliResult r = jve({"verify", "--jwks", jwks, "--tokens", f});
    EXPECT_EQ(r.exit, 2);
    EXPECT_TRUE(contains(r.err, "jve verify: cannot read tokens file")) << r.err;
  }
}

// --cache N: repeated tokens (the normal case) print exactly what an
// uncached run prints, whatever the threads; 0 is no cache; only with --tokens.
TEST_F(CliBatch, CacheGivesTheSameOutput) {
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS256, "hs");
  const std::string jwks = file("jwks.json", testkit::jwks({&hs}));
  const std::string header = testkit::header_json(Alg::HS256, "hs");
  std::vector<std::string> distinct;
  for (int i = 0; i < 20; ++i)
    distinct.push_back(testkit::sign(hs, header, "{\"sub\":\"u" + std::to_string(i) + "\",\"exp\":" +
                                                     std::to_string(i % 5 == 4 ? kNow - 1 : kNow + 60) + "}"));
  distinct.push_back(testkit::tamper_signature(distinct[0]));
  std::string input;
  for (int i = 0; i < 3000; ++i) input += distinct[(i * i) % distinct.size()] + "\n";
  const std::string tokens = file("tokens.txt", input);
  const std::vector<std::string> args = {"verify", "--jwks", jwks, "--now", std::to_string(kNow),
                                         "--quiet", "--tokens", tokens};
  const CliResult plain = jve(args);
  EXPECT_EQ(plain.exit, 1);
  for (const char* threads : {"1", "2"}) {
    std::vector<std::string> cached = args;
    cached.insert(cached.end(), {"--cache", "8", "--threads", threads});
    const CliResult r = jve(cached);
    EXPECT_EQ(r.exit, 1);
    EXPECT_EQ(r.out, plain.out);
  }
  std::vector<std::string> off = args;
  off.insert(off.end(), {"--cache", "0"});
  EXPECT_EQ(jve(off).out, plain.out);
  EXPECT_EQ(jve({"verify", "--jwks", jwks, "--cache", "8", distinct[0]}).exit, 2);
  std::vector<std::string> bad = args;
  bad.insert(bad.end(), {"--cache", "-1"});
  EXPECT_EQ(jve(bad).exit, 2);
}

}  // namespace
}  // namespace jve::cli_test
