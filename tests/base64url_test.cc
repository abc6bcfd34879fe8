#include "jve/base64url.h"

#include <gtest/gtest.h>

#include "test_printers.h"

#include <random>
#include <string>
#include <vector>

namespace jve {
namespace {

Status decode_with(const base64url::Kernel& k, std::string_view in, std::string& out) {
  std::vector<uint8_t> buf(base64url::decoded_max_len(in.size()));
  size_t n = 0;
  Status s = k.decode(in.data(), in.size(), buf.data(), &n);
  out.assign(reinterpret_cast<const char*>(buf.data()), s == Status::ok ? n : 0);
  return s;
}

class Base64UrlDecode : public ::testing::TestWithParam<const base64url::Kernel*> {};

// canonical rows round-trip; invalid rows must be rejected. Sources: RFC 4648
// §10 test vectors (re-spelled in the url alphabet, padding removed), and
// BoringSSL's base64_test.cc "valid but not canonical" cases, which are
// invalid under RFC 7515's strict rules.
struct Row {
  const char* encoded;
  const char* decoded;  // nullptr: invalid
};
const Row kRows[] = {
    {"", ""},
    {"Zg", "f"},
    {"Zm8", "fo"},
    {"Zm9v", "foo"},
    {"Zm9vYg", "foob"},
    {"Zm9vYmE", "fooba"},
    {"Zm9vYmFy", "foobar"},
    {"-_-_", "\xfb\xff\xbf"},
    {"Zg==", nullptr},    // padding
    {"Zm8=", nullptr},    // padding
    {"Zh", nullptr},      // non-zero unused bits
    {"Zm9", nullptr},     // non-zero unused bits
    {"Z", nullptr},       // length % 4 == 1
    {"Zm9vY", nullptr},   // length % 4 == 1
    {"Zm9v\n", nullptr},  // line break
    {"Zm 9v", nullptr},   // space
    {"+/+/", nullptr},    // standard alphabet
    {"Zm9v.", nullptr},
    {"\x80\x80\x80\x80", nullptr},
};

TEST_P(Base64UrlDecode, MatchesTable) {
  for (const Row& r : kRows) {
    std::string out;
    Status s = decode_with(*GetParam(), r.encoded, out);
    if (r.decoded) {
      EXPECT_EQ(s, Status::ok) << r.encoded;
      EXPECT_EQ(out, r.decoded) << r.encoded;
    } else {
      EXPECT_EQ(s, Status::bad_base64) << r.encoded;
    }
  }
}

TEST_P(Base64UrlDecode, RoundTripsEveryLengthUpTo1024) {
  std::mt19937 rng(42);
  for (size_t len = 0; len <= 1024; ++len) {
    std::vector<uint8_t> bytes(len);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    std::string enc = base64url::encode(bytes);
    ASSERT_EQ(enc.size(), base64url::encoded_len(len));
    std::string out;
    ASSERT_EQ(decode_with(*GetParam(), enc, out), Status::ok) << len;
    ASSERT_EQ(out, std::string(bytes.begin(), bytes.end())) << len;
  }
}

TEST_P(Base64UrlDecode, RejectsEveryNonAlphabetByteAtEveryPosition) {
  const std::string valid = base64url::encode(std::string_view("0123456789abcdefghijklmnopqrstuvw"));
  for (int c = 0; c < 256; ++c) {
    const bool in_alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                             (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (in_alphabet) continue;
    for (size_t pos = 0; pos < valid.size(); ++pos) {
      std::string bad = valid;
      bad[pos] = static_cast<char>(c);
      std::string out;
      ASSERT_EQ(decode_with(*GetParam(), bad, out), Status::bad_base64) << c << " at " << pos;
    }
  }
}

TEST_P(Base64UrlDecode, RejectsEveryNonCanonicalLastCharacter) {
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (int v = 0; v < 64; ++v) {
    std::string two = std::string("QU") + alphabet[v];  // 3 chars: 2 unused bits
    std::string one = std::string("Q") + alphabet[v];   // 2 chars: 4 unused bits
    std::string out;
    EXPECT_EQ(decode_with(*GetParam(), two, out) == Status::ok, (v & 3) == 0) << two;
    EXPECT_EQ(decode_with(*GetParam(), one, out) == Status::ok, (v & 15) == 0) << one;
  }
}

INSTANTIATE_TEST_SUITE_P(AllKernels, Base64UrlDecode,
                         ::testing::ValuesIn(base64url::available_kernels()),
                         [](const auto& param_info) { return std::string(param_info.param->name); });

TEST(Base64UrlDispatch, ScalarIsAlwaysAvailableAndForceable) {
  auto kernels = base64url::available_kernels();
  ASSERT_FALSE(kernels.empty());
  EXPECT_STREQ(kernels.back()->name, "scalar");
  const std::string before = base64url::active_kernel().name;
  EXPECT_TRUE(base64url::force_kernel("scalar"));
  EXPECT_STREQ(base64url::active_kernel().name, "scalar");
  EXPECT_FALSE(base64url::force_kernel("no-such-kernel"));
  EXPECT_STREQ(base64url::active_kernel().name, "scalar");
  EXPECT_TRUE(base64url::force_kernel(before));
}

}  // namespace
}  // namespace jve
