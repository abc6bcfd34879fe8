// RevocationList (the in-memory replica), its entry text, and the verify's
// revocation check (Status::revoked, after the claim rules).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "jve/jve.hpp"
#include "testkit.h"

namespace jve {
namespace {

constexpr int64_t kNow = 1'700'000'000;
const std::string kIss = "https://issuer.example";

Revocation jti(std::string iss, std::string id, int64_t expires = kNow + 600) {
  return {Revocation::Kind::jti, std::move(iss), std::move(id), 0, expires};
}
Revocation sub(std::string iss, std::string s, int64_t before, int64_t expires = kNow + 600) {
  return {Revocation::Kind::subject, std::move(iss), std::move(s), before, expires};
}
Revocation key(std::string iss, std::string kid, int64_t before, int64_t expires = kNow + 600) {
  return {Revocation::Kind::key, std::move(iss), std::move(kid), before, expires};
}

class RevocationVerify : public ::testing::Test {
 protected:
  RevocationVerify() : hs_(testkit::generate_key(Alg::HS256, "k1")) {
    list_ = std::make_shared<RevocationList>();
    Policy p;
    p.issuers = {kIss};
    p.clock = [this] { return now_.load(); };
    p.revocation = list_;
    auto set = KeySet::from_jwks(testkit::jwks({&hs_}));
    verifier_ = std::make_unique<Verifier>(p, std::make_shared<const KeySet>(std::move(*set)));
  }

  std::string token(std::string_view claims) {
    return testkit::sign(hs_, "{\"alg\":\"HS256\",\"kid\":\"k1\"}",
                         "{\"iss\":\"" + kIss + "\",\"exp\":" + std::to_string(kNow + 3600) +
                             (claims.empty() ? "" : ",") + std::string(claims) + "}");
  }
  Status verify(const std::string& t) { return verifier_->verify(t, scratch_, claims_); }

  testkit::SigningKey hs_;
  std::shared_ptr<RevocationList> list_;
  std::atomic<int64_t> now_{kNow};
  std::unique_ptr<Verifier> verifier_;
  Scratch scratch_;
  Claims claims_;
};

TEST_F(RevocationVerify, JtiRevokesThatTokenOnly) {
  const std::string a = token(R"("jti":"a","sub":"u")"), b = token(R"("jti":"b","sub":"u")");
  EXPECT_EQ(verify(a), Status::ok);
  list_->add(std::vector{jti(kIss, "a")}, kNow);
  EXPECT_EQ(verify(a), Status::revoked);
  EXPECT_EQ(verify(b), Status::ok);
  // Another issuer's jti "a" is another token.
  list_->replace(std::vector{jti("https://other.example", "a")}, kNow);
  EXPECT_EQ(verify(a), Status::ok);
  // An entry without iss matches every issuer.
  list_->replace(std::vector{jti("", "a")}, kNow);
  EXPECT_EQ(verify(a), Status::revoked);
}

TEST_F(RevocationVerify, SubjectCutoffRevokesOldTokensAndSparesNewOnes) {
  list_->add(std::vector{sub(kIss, "alice", kNow - 100)}, kNow);
  EXPECT_EQ(verify(token(R"("sub":"alice","iat":)" + std::to_string(kNow - 101))), Status::revoked);
  EXPECT_EQ(verify(token(R"("sub":"alice","iat":)" + std::to_string(kNow - 100))), Status::ok);
  EXPECT_EQ(verify(token(R"("sub":"alice","iat":)" + std::to_string(kNow - 50))), Status::ok);
  EXPECT_EQ(verify(token(R"("sub":"bob","iat":)" + std::to_string(kNow - 500))), Status::ok);
  // Without iat a token cannot show it came after the cut-off.
  EXPECT_EQ(verify(token(R"("sub":"alice")")), Status::revoked);
  // A later cut-off for the same subject supersedes the earlier one.
  list_->add(std::vector{sub(kIss, "alice", kNow - 10)}, kNow);
  EXPECT_EQ(verify(token(R"("sub":"alice","iat":)" + std::to_string(kNow - 50))), Status::revoked);
  EXPECT_EQ(list_->size(), 1u);
}

TEST_F(RevocationVerify, EachMatchingEntryIsTestedOnItsOwnCutoff) {
  // The issuer's entry spares the token; the every-issuer one does not.
  list_->add(std::vector{sub(kIss, "alice", kNow - 100), sub("", "alice", kNow)}, kNow);
  EXPECT_EQ(verify(token(R"("sub":"alice","iat":)" + std::to_string(kNow - 50))), Status::revoked);
  list_->replace(std::vector{key(kIss, "k1", kNow - 100), key(kIss, "", kNow)}, kNow);
  EXPECT_EQ(verify(token(R"("iat":)" + std::to_string(kNow - 50))), Status::revoked);
}

TEST_F(RevocationVerify, KeyCutoffsByKidAndByIssuer) {
  const std::string old_tok = token(R"("iat":)" + std::to_string(kNow - 100));
  const std::string new_tok = token(R"("iat":)" + std::to_string(kNow));
  list_->replace(std::vector{key(kIss, "other-kid", kNow - 10)}, kNow);
  EXPECT_EQ(verify(old_tok), Status::ok);
  list_->replace(std::vector{key(kIss, "k1", kNow - 10)}, kNow);
  EXPECT_EQ(verify(old_tok), Status::revoked);
  EXPECT_EQ(verify(new_tok), Status::ok);
  list_->replace(std::vector{key(kIss, "", kNow - 10)}, kNow);  // every key of the issuer
  EXPECT_EQ(verify(old_tok), Status::revoked);
  EXPECT_EQ(verify(new_tok), Status::ok);
  list_->replace(std::vector{key("", "", kNow + 1)}, kNow);  // everything issued before
  EXPECT_EQ(verify(new_tok), Status::revoked);
}

TEST_F(RevocationVerify, EntriesExpire) {
  const std::string t = token(R"("jti":"x")");
  list_->add(std::vector{jti(kIss, "x", kNow + 10)}, kNow);
  EXPECT_EQ(verify(t), Status::revoked);
  now_ = kNow + 10;
  EXPECT_EQ(verify(t), Status::revoked);
  now_ = kNow + 11;  // ignored once past its expiry, before any prune
  EXPECT_EQ(verify(t), Status::ok);
  EXPECT_EQ(list_->size(), 1u);
  EXPECT_EQ(list_->prune(kNow + 11), 0u);
  // Entries already expired are not even added.
  EXPECT_EQ(list_->add(std::vector{jti(kIss, "y", kNow)}, kNow + 11), 0u);
}

TEST_F(RevocationVerify, ClaimRulesComeFirst) {
  // An expired token that is also revoked reports expired: revoked is only
  // said of tokens that would otherwise pass.
  const std::string t = testkit::sign(hs_, "{\"alg\":\"HS256\",\"kid\":\"k1\"}",
                                      "{\"iss\":\"" + kIss + "\",\"exp\":1,\"jti\":\"z\"}");
  list_->add(std::vector{jti(kIss, "z")}, kNow);
  EXPECT_EQ(verify(t), Status::expired);
}

TEST_F(RevocationVerify, FailClosedWhenStale) {
  const std::string t = token(R"("jti":"fresh")");
  EXPECT_EQ(verify(t), Status::ok);  // fail open by default, never synced
  list_->set_stale_policy(StalePolicy::reject, 200);
  EXPECT_EQ(verify(t), Status::revoked);  // never synced
  list_->mark_synced();
  EXPECT_EQ(verify(t), Status::ok);
  EXPECT_FALSE(list_->stale());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(list_->stale());
  EXPECT_GE(list_->age_ms(), 300);
  EXPECT_EQ(verify(t), Status::revoked);
  list_->set_stale_policy(StalePolicy::accept, 200);
  EXPECT_EQ(verify(t), Status::ok);
}

TEST(RevocationList, ManyEntriesAndReplaceDropsTheOldOnes) {
  RevocationList list;
  std::vector<Revocation> v;
  for (int i = 0; i < 50'000; ++i) v.push_back(jti(kIss, "id-" + std::to_string(i)));
  for (int i = 0; i < 1'000; ++i) v.push_back(sub(kIss, "user-" + std::to_string(i), kNow));
  EXPECT_EQ(list.replace(v, kNow), 51'000u);
  v.push_back(jti(kIss, "id-7"));  // duplicates merge
  EXPECT_EQ(list.replace(v, kNow), 51'000u);
  Claims c;
  c.iss = kIss;
  for (int i = 0; i < 50'000; i += 997) {
    const std::string id = "id-" + std::to_string(i);
    c.jti = id;
    EXPECT_EQ(list.check(c, "", kNow), Status::revoked) << id;
  }
  c.jti = "id-50000";
  EXPECT_EQ(list.check(c, "", kNow), Status::ok);
  EXPECT_EQ(list.replace(std::vector{jti(kIss, "only")}, kNow), 1u);
  c.jti = "id-7";
  EXPECT_EQ(list.check(c, "", kNow), Status::ok);
  EXPECT_GT(list.memory_bytes(), 0u);
}

TEST(RevocationList, ManyIssuers) {
  // Past a few issuers the table hashes issuer names instead of numbering
  // them; both ways must find the same entries.
  RevocationList list;
  std::vector<Revocation> v;
  for (int i = 0; i < 40; ++i) {
    const std::string iss = "https://issuer-" + std::to_string(i) + ".example";
    v.push_back(jti(iss, "j"));
    v.push_back(sub(iss, "u", kNow));
    list.add(std::vector{jti(iss, "added")}, kNow);
  }
  v.push_back(jti("", "anyone"));
  list.add(v, kNow);
  EXPECT_EQ(list.size(), 121u);
  for (int i = 0; i < 40; ++i) {
    const std::string iss = "https://issuer-" + std::to_string(i) + ".example";
    Claims c;
    c.iss = iss;
    for (const char* id : {"j", "added", "anyone"}) {
      c.jti = id;
      EXPECT_EQ(list.check(c, "", kNow), Status::revoked) << iss << " " << id;
    }
    c.jti = "other";
    EXPECT_EQ(list.check(c, "", kNow), Status::ok);
    c.sub = "u";
    c.iat = kNow - 1;
    EXPECT_EQ(list.check(c, "", kNow), Status::revoked);
  }
  Claims stranger;
  stranger.iss = "https://unknown.example";
  stranger.jti = "j";
  EXPECT_EQ(list.check(stranger, "", kNow), Status::ok);
}

TEST(RevocationList, FieldsLongerThanTheLimitAreSkipped) {
  RevocationList list;
  EXPECT_EQ(list.add(std::vector{jti(kIss, std::string(kMaxRevocationField + 1, 'x'))}, kNow), 0u);
  EXPECT_EQ(list.add(std::vector{jti(kIss, std::string(kMaxRevocationField, 'x'))}, kNow), 1u);
}

TEST(RevocationList, ReadersNeverSeeAFreedTable) {
  // Writers replace the table while readers check; ASan/TSan builds catch a
  // reader that outlives its table.
  RevocationList list;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> revoked{0};
  std::vector<std::thread> readers;
  // More threads than ReaderGate has counters of their own (16): the later
  // ones share counters raised with read-modify-writes; both kinds run.
  for (int r = 0; r < 20; ++r)
    readers.emplace_back([&] {
      Claims c;
      c.iss = kIss;
      c.jti = "hot";
      while (!stop.load()) revoked += list.check(c, "", kNow) == Status::revoked;
    });
  for (int i = 0; i < 200; ++i)
    list.replace(std::vector{jti(kIss, i % 2 ? "hot" : "cold")}, kNow);
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(list.version(), 200u);
  EXPECT_GT(revoked.load(), 0);
}

// ---- Entry text ---------------------------------------------------------

TEST(RevocationText, RoundTrips) {
  const Revocation cases[] = {
      jti(kIss, "a\"b\\c\n\x01"), jti("", "x"), sub(kIss, "alice", kNow - 5),
      key(kIss, "k1", kNow), key(kIss, "", kNow), key("", "", kNow),
  };
  for (const Revocation& r : cases) {
    const std::string text = format_revocation(r);
    Revocation back;
    ASSERT_EQ(parse_revocation(text, back), Status::ok) << text;
    EXPECT_EQ(back, r) << text;
  }
  EXPECT_EQ(format_revocation(jti(kIss, "a", 5)),
            R"({"jti":"a","iss":"https://issuer.example","exp":5})");
  EXPECT_EQ(format_revocation(sub("", "u", 4, 5)), R"({"sub":"u","before":4,"exp":5})");
}

TEST(RevocationText, RefusesWhatItCannotMean) {
  Revocation r = jti(kIss, "keep");
  const std::pair<std::string, Status> bad[] = {
      {"", Status::bad_json},
      {"not json", Status::bad_json},
      {"[1]", Status::bad_json},
      {R"({"jti":"a"})", Status::bad_json},                          // no exp
      {R"({"jti":"a","exp":"5"})", Status::bad_json},                // exp a string
      {R"({"jti":"a","exp":5.5})", Status::bad_json},                // not an integer
      {R"({"jti":1,"exp":5})", Status::bad_json},                    // jti a number
      {R"({"jti":"a","sub":"b","exp":5})", Status::bad_json},        // two kinds
      {R"({"jti":"a","before":1,"exp":5})", Status::bad_json},       // cut-off on a jti
      {R"({"sub":"a","exp":5})", Status::bad_json},                  // cut-off missing
      {R"({"jti":"a","exp":5,"extra":1})", Status::bad_json},        // unknown member
      {R"({"jti":"a","exp":5,"jti":"b"})", Status::duplicate_member},
      {R"({"jti":{"a":1},"exp":5})", Status::too_deep},
      {"{\"jti\":\"" + std::string(kMaxRevocationField + 1, 'x') + "\",\"exp\":5}", Status::too_large},
      {std::string(kMaxRevocationText + 1, ' '), Status::too_large},
  };
  for (const auto& [text, want] : bad) {
    EXPECT_EQ(parse_revocation(text, r), want) << text.substr(0, 80);
    EXPECT_EQ(r, jti(kIss, "keep")) << "a refused text must leave |out| alone";
  }
}

}  // namespace
}  // namespace jve
