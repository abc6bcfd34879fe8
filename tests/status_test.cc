#include "jve/status.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

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

TEST(Status, NamesAreStable) {
  // These numbers cross the C API and land in metrics: never renumber.
  EXPECT_EQ(to_string(Status::ok), "ok");
  EXPECT_EQ(static_cast<int>(Status::malformed), 1);
  EXPECT_EQ(to_string(static_cast<Status>(3)), "bad_base64");
  EXPECT_EQ(to_string(static_cast<Status>(14)), "bad_signature");
  EXPECT_EQ(to_string(static_cast<Status>(15)), "expired");
  EXPECT_EQ(to_string(static_cast<Status>(24)), "weak_key");
  EXPECT_EQ(to_string(Status::num_statuses), "unknown");
}

}  // namespace
}  // namespace jve
