#include "jve/base64url.h"

#include <gtest/gtest.h>

#include "test_printers.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "base64/kernels.h"

namespace jve {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool in_alphabet(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Guarded runs a kernel the way a caller must: the input in a heap block of
// exactly its size (ASan reports any read past it) at a chosen misalignment,
// the output in decoded_max_len(n) bytes followed by a canary. Every byte of
// the output buffer starts as kFill, so the test also sees what a kernel
// wrote past the decoded length.
constexpr uint8_t kFill = 0xA5;
constexpr size_t kCanary = 64;

struct Decoded {
  Status status;
  std::vector<uint8_t> buf;  // the whole output buffer, canary included
  size_t len = 0;            // valid when status == ok
  std::string bytes() const {
    return status == Status::ok ? std::string(buf.begin(), buf.begin() + static_cast<long>(len)) : "";
  }
};

Decoded run(const base64url::Kernel& k, std::string_view in, size_t in_offset = 0, size_t out_offset = 0) {
  std::unique_ptr<char[]> in_block(new char[in_offset + in.size() + 1]);
  char* in_copy = in_block.get() + in_offset;
  if (!in.empty()) std::memcpy(in_copy, in.data(), in.size());
  const size_t cap = base64url::decoded_max_len(in.size());
  Decoded d;
  d.buf.assign(out_offset + cap + kCanary, kFill);
  d.status = k.decode(in_copy, in.size(), d.buf.data() + out_offset, &d.len);
  d.buf.erase(d.buf.begin(), d.buf.begin() + static_cast<long>(out_offset));
  return d;
}

const base64url::Kernel& scalar_kernel() {
  static const base64url::Kernel k{"scalar", &base64url::scalar::decode};
  return k;
}

// expect_same_as_scalar: the same Status, the same bytes, and no byte written
// past decoded_max_len(n); on success, none past the decoded length either.
// Returns false after the first mismatch so loops can stop early.
bool expect_same_as_scalar(const base64url::Kernel& k, std::string_view in, size_t in_offset = 0,
                           size_t out_offset = 0) {
  const Decoded want = run(scalar_kernel(), in);
  const Decoded got = run(k, in, in_offset, out_offset);
  const size_t cap = base64url::decoded_max_len(in.size());
  const std::string shown = in.size() <= 200 ? std::string(in) : std::string(in.substr(0, 200)) + "...";
  EXPECT_EQ(got.status, want.status) << k.name << " on \"" << shown << "\" (" << in.size() << " chars)";
  if (got.status != want.status) return false;
  EXPECT_EQ(got.bytes(), want.bytes()) << k.name << " on \"" << shown << "\"";
  EXPECT_EQ(got.len, want.len) << k.name << " on \"" << shown << "\"";
  const size_t untouched_from = got.status == Status::ok ? got.len : cap;
  for (size_t i = untouched_from; i < got.buf.size(); ++i) {
    if (got.buf[i] != kFill) {
      ADD_FAILURE() << k.name << " wrote byte " << i << " of an output of " << got.len << " (capacity "
                    << cap << ") on \"" << shown << "\"";
      return false;
    }
  }
  return got.status == want.status && got.bytes() == want.bytes();
}

std::string random_encoded(std::mt19937& rng, size_t len) {
  std::vector<uint8_t> bytes(len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0));
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  return base64url::encode(bytes);
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
    const Decoded d = run(*GetParam(), r.encoded);
    if (r.decoded) {
      EXPECT_EQ(d.status, Status::ok) << r.encoded;
      EXPECT_EQ(d.bytes(), r.decoded) << r.encoded;
    } else {
      EXPECT_EQ(d.status, Status::bad_base64) << r.encoded;
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
    const Decoded d = run(*GetParam(), enc);
    ASSERT_EQ(d.status, Status::ok) << len;
    ASSERT_EQ(d.bytes(), std::string(bytes.begin(), bytes.end())) << len;
    ASSERT_TRUE(expect_same_as_scalar(*GetParam(), enc)) << len;
  }
}

TEST_P(Base64UrlDecode, RejectsEveryNonAlphabetByteAtEveryPosition) {
  const std::string valid = base64url::encode(std::string_view("0123456789abcdefghijklmnopqrstuvw"));
  for (int c = 0; c < 256; ++c) {
    if (in_alphabet(c)) continue;
    for (size_t pos = 0; pos < valid.size(); ++pos) {
      std::string bad = valid;
      bad[pos] = static_cast<char>(c);
      ASSERT_EQ(run(*GetParam(), bad).status, Status::bad_base64) << c << " at " << pos;
    }
  }
}

// Every byte value at every position of every length up to 128 (both sides of
// the 16-, 32- and 64-character block boundaries and every tail): the kernel
// must agree with scalar, valid substitutions included.
TEST_P(Base64UrlDecode, MatchesScalarForEveryByteAtEveryPositionUpTo128) {
  std::mt19937 rng(7);
  for (size_t len = 0; len <= 128; ++len) {
    if (len % 4 == 1) continue;
    const std::string valid = random_encoded(rng, len);
    ASSERT_TRUE(expect_same_as_scalar(*GetParam(), valid)) << len;
    for (size_t pos = 0; pos < len; ++pos) {
      std::string s = valid;
      for (int c = 0; c < 256; ++c) {
        s[pos] = static_cast<char>(c);
        ASSERT_TRUE(expect_same_as_scalar(*GetParam(), s)) << "len " << len << " byte " << c << " at " << pos;
      }
    }
  }
}

TEST_P(Base64UrlDecode, RejectsEveryNonCanonicalLastCharacter) {
  for (int v = 0; v < 64; ++v) {
    std::string two = std::string("QU") + kAlphabet[v];  // 3 chars: 2 unused bits
    std::string one = std::string("Q") + kAlphabet[v];   // 2 chars: 4 unused bits
    EXPECT_EQ(run(*GetParam(), two).status == Status::ok, (v & 3) == 0) << two;
    EXPECT_EQ(run(*GetParam(), one).status == Status::ok, (v & 15) == 0) << one;
  }
}

// The full range of tails: for every length up to 136 (the masked AVX-512
// tail, the overlapping AVX2 block, the SSE block and the scalar quads all
// end somewhere in there), every pair of last two characters from the
// alphabet plus a few bytes next to it, compared with scalar.
TEST_P(Base64UrlDecode, MatchesScalarOnEveryTail) {
  std::string tail_chars(kAlphabet);
  tail_chars += std::string("=.+/\0\x7f\x80\xff", 8);
  std::mt19937 rng(11);
  for (size_t len = 2; len <= 136; ++len) {
    if (len % 4 == 1) continue;
    std::string s = random_encoded(rng, len);
    for (char a : tail_chars) {
      for (char b : tail_chars) {
        s[len - 2] = a;
        s[len - 1] = b;
        ASSERT_TRUE(expect_same_as_scalar(*GetParam(), s)) << len;
      }
    }
  }
}

// Random inputs: lengths up to 4096, valid or damaged in one of several ways,
// at every input and output misalignment in a 64-byte line.
TEST_P(Base64UrlDecode, MatchesScalarOnRandomInputs) {
  std::mt19937 rng(1234);
  for (int iter = 0; iter < 20000; ++iter) {
    const size_t len = iter < 10000 ? rng() % 200 : rng() % 4097;
    std::string s = random_encoded(rng, len / 4 * 4 + (len % 4 == 1 ? 0 : len % 4));
    switch (rng() % 6) {
      case 0:  // valid
        break;
      case 1:  // one random byte anywhere
        if (!s.empty()) s[rng() % s.size()] = static_cast<char>(rng());
        break;
      case 2:  // one non-alphabet byte anywhere
        if (!s.empty()) {
          char c;
          do c = static_cast<char>(rng()); while (in_alphabet(static_cast<uint8_t>(c)));
          s[rng() % s.size()] = c;
        }
        break;
      case 3:  // truncated: any length, % 4 == 1 included
        s.resize(s.empty() ? 0 : rng() % s.size());
        break;
      case 4:  // padded or with a line break
        s += rng() % 2 ? "=" : "\n";
        break;
      default:  // standard alphabet
        for (char& c : s) {
          if (c == '-') c = '+';
          if (c == '_') c = '/';
        }
        break;
    }
    ASSERT_TRUE(expect_same_as_scalar(*GetParam(), s, rng() % 64, rng() % 64)) << "iteration " << iter;
  }
}

INSTANTIATE_TEST_SUITE_P(AllKernels, Base64UrlDecode,
                         ::testing::ValuesIn(base64url::available_kernels()),
                         [](const auto& param_info) { return std::string(param_info.param->name); });

// Print the kernels this run covers, so a CI log shows whether the SIMD
// kernels were tested at all on that machine.
class PrintKernels : public ::testing::Environment {
 public:
  void SetUp() override {
    std::string names;
    for (const base64url::Kernel* k : base64url::available_kernels()) names += std::string(" ") + k->name;
    std::printf("[ base64url] kernels:%s; active: %s\n", names.c_str(), base64url::active_kernel().name);
  }
};
[[maybe_unused]] ::testing::Environment* const kPrintKernels =
    ::testing::AddGlobalTestEnvironment(new PrintKernels);

bool has_kernel(const char* name) {
  for (const base64url::Kernel* k : base64url::available_kernels()) {
    if (std::string_view(k->name) == name) return true;
  }
  return false;
}

// The list must match what the CPU has, checked with GCC's own detection
// (libgcc's, which also reads XGETBV) rather than jve's.
TEST(Base64UrlDispatch, ListsTheKernelsThisCpuSupports) {
  auto kernels = base64url::available_kernels();
  ASSERT_FALSE(kernels.empty());
  EXPECT_STREQ(kernels.back()->name, "scalar");
#if defined(__x86_64__)
  __builtin_cpu_init();
  EXPECT_EQ(has_kernel("avx2"), __builtin_cpu_supports("avx2") != 0);
  EXPECT_EQ(has_kernel("avx512"), __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512bw") &&
                                      __builtin_cpu_supports("bmi2"));
#endif
}

// At first use the dispatcher picks the best kernel, unless the environment
// names one. No test changes the active kernel without restoring it.
TEST(Base64UrlDispatch, ChoosesTheBestKernelOrTheForcedOne) {
  const char* forced = std::getenv("JVE_FORCE_IMPLEMENTATION");
  if (forced && *forced) {
    EXPECT_STREQ(base64url::active_kernel().name, has_kernel(forced) ? forced : "unknown");
  } else {
    EXPECT_EQ(&base64url::active_kernel(), base64url::available_kernels().front());
  }
}

// Forcing each kernel makes decode() call that kernel's function; checked by
// the function pointer decode() loads and by a decode through the public API.
// A JVE_FORCE_IMPLEMENTATION that names no kernel of this machine selects
// "unknown", which cannot be forced back: a test that forces another kernel
// would then leave every later test running with it and hide the typo.
bool forced_unknown() { return std::string_view(base64url::active_kernel().name) == "unknown"; }

TEST(Base64UrlDispatch, ForcingEachKernelRunsIt) {
  if (forced_unknown()) GTEST_SKIP() << "JVE_FORCE_IMPLEMENTATION names no kernel of this machine";
  const std::string before = base64url::active_kernel().name;
  for (const base64url::Kernel* k : base64url::available_kernels()) {
    ASSERT_TRUE(base64url::force_kernel(k->name)) << k->name;
    EXPECT_STREQ(base64url::active_kernel().name, k->name);
    EXPECT_EQ(&base64url::active_kernel(), k);
    EXPECT_EQ(base64url::active_kernel().decode, k->decode);
    uint8_t out[base64url::decoded_max_len(8)];
    size_t n = 0;
    EXPECT_EQ(base64url::decode("Zm9vYmFy", out, &n), Status::ok) << k->name;
    EXPECT_EQ(std::string(reinterpret_cast<char*>(out), n), "foobar") << k->name;
  }
  EXPECT_TRUE(base64url::force_kernel(before));
}

TEST(Base64UrlDispatch, RefusesUnknownOrUnsupportedNames) {
  const std::string before = base64url::active_kernel().name;
  EXPECT_FALSE(base64url::force_kernel("no-such-kernel"));
  EXPECT_FALSE(base64url::force_kernel("unknown"));
  EXPECT_FALSE(base64url::force_kernel(""));
  EXPECT_EQ(base64url::active_kernel().name, before);
  if (forced_unknown()) GTEST_SKIP() << "JVE_FORCE_IMPLEMENTATION names no kernel of this machine";
  EXPECT_TRUE(base64url::force_kernel("scalar"));
  EXPECT_STREQ(base64url::active_kernel().name, "scalar");
  EXPECT_FALSE(base64url::force_kernel("no-such-kernel"));
  EXPECT_STREQ(base64url::active_kernel().name, "scalar");
  EXPECT_TRUE(base64url::force_kernel(before));
}

}  // namespace
}  // namespace jve
