#include "jve/status.h"

#include <gtest/gtest.h>

#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace jve {
namespace {

TEST(Status, EveryCodeHasAUniqueSnakeCaseName) {
  std::set<std::string> seen;
  for (int i = 0; i < static_cast<int>(Status::num_statuses); ++i) {
    const auto name = std::string(to_string(static_cast<Status>(i)));
    EXPECT_NE(name, "unknown") << i;
    EXPECT_TRUE(seen.insert(name).second) << "duplicate name " << name;
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << name;
    EXPECT_FALSE(message(static_cast<Status>(i)).empty()) << name;
  }
}

TEST(Status, NumbersAndNamesAreStable) {
  // Every code, in number order. These numbers cross the C API (jve.h's
  // JVE_STATUS_*) and their names land in logs and metrics: a code is only
  // ever appended, never renumbered or renamed. A new code fails this test
  // until it is added at the end of the table.
  static constexpr std::pair<int, std::string_view> kTable[] = {
      {0, "ok"},
      {1, "malformed"},
      {2, "too_large"},
      {3, "bad_base64"},
      {4, "bad_json"},
      {5, "duplicate_member"},
      {6, "too_deep"},
      {7, "bad_header"},
      {8, "alg_not_allowed"},
      {9, "unsupported_crit"},
      {10, "bad_typ"},
      {11, "missing_kid"},
      {12, "key_not_found"},
      {13, "ambiguous_key"},
      {14, "bad_signature"},
      {15, "expired"},
      {16, "not_yet_valid"},
      {17, "too_old"},
      {18, "issued_in_future"},
      {19, "bad_issuer"},
      {20, "bad_audience"},
      {21, "missing_claim"},
      {22, "bad_claim"},
      {23, "bad_key"},
      {24, "weak_key"},
      {25, "unsupported_key"},
      {26, "key_not_for_signing"},
      {27, "key_alg_mismatch"},
      {28, "internal_error"},
      {29, "insufficient_scope"},
      {30, "forbidden"},
      {31, "revoked"},
  };
  ASSERT_EQ(std::size(kTable), static_cast<size_t>(Status::num_statuses));
  for (const auto& [number, name] : kTable) {
    EXPECT_EQ(to_string(static_cast<Status>(number)), name) << number;
  }
  EXPECT_EQ(static_cast<int>(Status::insufficient_scope), 29);
  EXPECT_EQ(static_cast<int>(Status::forbidden), 30);
  EXPECT_EQ(static_cast<int>(Status::revoked), 31);
  EXPECT_EQ(to_string(Status::num_statuses), "unknown");
  EXPECT_EQ(message(Status::num_statuses), "unknown status");
}

}  // namespace
}  // namespace jve
