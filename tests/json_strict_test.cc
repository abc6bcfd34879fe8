// Unit tests of engine/json's StrictParser (json/strict.h): what it adds to
// simdjson (no byte-order mark, no duplicate member names at any depth, a
// depth limit counted the engine's way) and the RFC 8259 / UTF-8 rules it
// inherits, each at its boundary, with the exact status. The verifier's
// table (verifier_test.cc) checks that tokens reach these rules; these
// tests pin the rules themselves.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "json/strict.h"
#include "parsed_json.h"
#include "test_printers.h"

namespace jve {
namespace {

using test::ParsedJson;

Status parse(std::string_view text, uint32_t max_depth = 64) {
  return ParsedJson(text, max_depth).status();
}

// members writes an object with |n| members "m0", "m1", ..., then |extra|.
std::string members(size_t n, std::string_view extra = "") {
  std::string out = "{";
  for (size_t i = 0; i < n; ++i) out += (i ? ",\"m" : "\"m") + std::to_string(i) + "\":0";
  if (!extra.empty()) out += (n ? "," : "") + std::string(extra);
  return out + "}";
}

// nested writes |depth| objects inside each other around a scalar.
std::string nested(uint32_t depth) {
  std::string out;
  for (uint32_t i = 0; i < depth; ++i) out += "{\"a\":";
  out += "1";
  out += std::string(depth, '}');
  return out;
}

TEST(StrictParser, AcceptsStrictDocuments) {
  for (std::string_view ok :
       {"{}", "[]", "{\"a\":1}", " \t\r\n{\"a\":[1,2,{\"b\":null}]} \n", "\"text\"", "0", "-0",
        "1.5e-3", "true", "null", "{\"\":0}", "{\"a\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\"}",
        "{\"a\":\"\\ud83d\\ude00 \\u00e9 \\n \\\" \\/\"}", "{\"\x7f\":\"\x7f\"}",
        "{\"a\":18446744073709551615,\"b\":-9223372036854775808,\"c\":1.7976931348623157e308}"}) {
    EXPECT_EQ(parse(ok), Status::ok) << ok;
  }
}

TEST(StrictParser, RejectsAByteOrderMark) {
  // RFC 8259 §8.1: no BOM before the text; inside a string it is a character.
  EXPECT_EQ(parse("\xEF\xBB\xBF{}"), Status::bad_json);
  EXPECT_EQ(parse("\xEF\xBB\xBF"), Status::bad_json);
  EXPECT_EQ(parse("\xEF\xBB{}"), Status::bad_json);  // a truncated one is bad UTF-8
  EXPECT_EQ(parse(" \xEF\xBB\xBF{}"), Status::bad_json);
  EXPECT_EQ(parse("{\"a\":\"\xEF\xBB\xBF\"}"), Status::ok);
}

TEST(StrictParser, RejectsWhatRfc8259DoesNotAllow) {
  for (std::string_view bad :
       {"", " ", "{", "{\"a\":1", "NaN", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}",
        "{\"a\":01}", "{\"a\":+1}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":0x1}",
        "{\"a\":1,}", "[1,]", "[,1]", "{,}", "{\"a\" 1}", "{'a':1}", "{a:1}", "{\"a\":1}//",
        "{/*c*/\"a\":1}", "{\"a\":\"\x01\"}", "{\"a\":\"line\nbreak\"}", "{\"a\":\"\t\"}",
        "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\":True}", "{\"a\":nul}"}) {
    EXPECT_EQ(parse(bad), Status::bad_json) << bad;
  }
}

TEST(StrictParser, RejectsTrailingData) {
  EXPECT_EQ(parse("{} "), Status::ok);
  for (std::string_view bad : {"{}{}", "{} {}", "{}x", "{},", "[] 1", "1 2", "\"a\"\"b\""}) {
    EXPECT_EQ(parse(bad), Status::bad_json) << bad;
  }
  EXPECT_EQ(parse(std::string_view("{}\0", 3)), Status::bad_json);
}

TEST(StrictParser, RejectsInvalidUtf8InNamesAndValues) {
  for (std::string_view bytes : {"\xC0\x80",          // overlong NUL
                                 "\xC1\xBF",          // overlong 2-byte
                                 "\xE0\x80\x80",      // overlong 3-byte
                                 "\xF0\x80\x80\x80",  // overlong 4-byte
                                 "\xED\xA0\x80",      // U+D800, a surrogate
                                 "\xED\xBF\xBF",      // U+DFFF
                                 "\xF4\x90\x80\x80",  // U+110000, above the range
                                 "\xF5\x80\x80\x80", "\xFF", "\x80", "\xE2\x82", "\xC3"}) {
    std::string hex;
    for (unsigned char c : bytes) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      hex += buf;
    }
    EXPECT_EQ(parse("{\"a\":\"" + std::string(bytes) + "\"}"), Status::bad_json) << hex;
    EXPECT_EQ(parse("{\"" + std::string(bytes) + "\":1}"), Status::bad_json) << hex;
  }
  // The largest code points of each length are fine.
  EXPECT_EQ(parse("{\"a\":\"\x7F\xDF\xBF\xEF\xBF\xBF\xF4\x8F\xBF\xBF\"}"), Status::ok);
  EXPECT_EQ(parse("{\"a\":\"\xED\x9F\xBF\xEE\x80\x80\"}"), Status::ok);  // U+D7FF, U+E000
}

TEST(StrictParser, RejectsLoneSurrogateEscapes) {
  for (std::string_view bad : {"\\ud800", "\\udfff", "\\ud83d", "\\ude00\\ud83d", "\\ud83d\\u0041"}) {
    EXPECT_EQ(parse("{\"a\":\"" + std::string(bad) + "\"}"), Status::bad_json) << bad;
  }
}

TEST(StrictParser, RejectsNumbersOutsideTheRangesItReads) {
  // json/strict.h: integers beyond 64 bits and doubles that overflow are
  // refused rather than rounded (a NumericDate must mean one instant).
  EXPECT_EQ(parse("{\"a\":18446744073709551616}"), Status::bad_json);  // 2^64
  EXPECT_EQ(parse("{\"a\":-9223372036854775809}"), Status::bad_json);  // -2^63 - 1
  EXPECT_EQ(parse("{\"a\":1e309}"), Status::bad_json);
  EXPECT_EQ(parse("{\"a\":-1e400}"), Status::bad_json);
}

TEST(StrictParser, RejectsDuplicateNamesAtEveryLevel) {
  for (std::string_view dup :
       {"{\"a\":1,\"a\":1}", "{\"a\":1,\"b\":2,\"a\":3}", "{\"\":1,\"\":2}",
        "{\"o\":{\"x\":1,\"x\":2}}", "{\"l\":[{\"x\":1},{\"y\":1,\"y\":2}]}",
        "[[[{\"deep\":{\"k\":1,\"k\":{}}}]]]",
        "{\"a\":1,\"\\u0061\":2}",                 // the same name once unescaped
        "{\"\\u00e9\":1,\"\xC3\xA9\":2}",          // é escaped and raw
        "{\"a\":{\"b\":1},\"a\":{\"c\":1}}"}) {
    EXPECT_EQ(parse(dup), Status::duplicate_member) << dup;
  }
  // The same name in different objects is no duplicate.
  for (std::string_view ok : {"{\"a\":{\"a\":1}}", "{\"a\":{\"x\":1},\"b\":{\"x\":1}}",
                              "[{\"x\":1},{\"x\":1}]", "{\"a\":1,\"A\":1,\"a \":1}"}) {
    EXPECT_EQ(parse(ok), Status::ok) << ok;
  }
}

TEST(StrictParser, FindsDuplicatesOnBothSidesOfSixteenMembers) {
  // Up to 16 members are compared pairwise, more are sorted (strict.cc):
  // a duplicate at either end must be found on both paths.
  for (size_t n : {2u, 15u, 16u, 17u, 100u}) {
    SCOPED_TRACE(n);
    EXPECT_EQ(parse(members(n)), Status::ok);
    EXPECT_EQ(parse(members(n - 1, "\"m0\":1")), Status::duplicate_member);
    EXPECT_EQ(parse(members(n - 1, "\"m" + std::to_string(n - 2) + "\":1")), Status::duplicate_member);
  }
}

TEST(StrictParser, ComparesWholeNamesOnBothPaths) {
  // Names are keyed by their first eight bytes and their length; names
  // that share both differ only in the exact compare. Each pair below is
  // two different names, so every object is valid, with 2 and with 20
  // members.
  const std::pair<std::string_view, std::string_view> pairs[] = {
      {"abcdefghX", "abcdefghY"},                  // same 8-byte prefix, same length
      {"aaaaaaaaXaaaaaaaa", "aaaaaaaaYaaaaaaaa"},  // differing in the middle
      {"abcdefgh", "abcdefghi"},                   // a prefix of the other
      {"abc", "axc"}, {"ab", "ba"}, {"a", "b"}, {"abcde", "abXde"}, {"", " "}};
  for (const auto& [x, y] : pairs) {
    SCOPED_TRACE(std::string(x) + " / " + std::string(y));
    // Built piecewise: "literal" + std::string trips GCC 12's -Wrestrict
    // false positive (GCC bug 105651).
    std::string two = "\"";
    two += x;
    two += "\":1,\"";
    two += y;
    two += "\":2";
    std::string three = two;
    three += ",\"";
    three += y;
    three += "\":3";
    EXPECT_EQ(parse(members(0, two)), Status::ok);
    EXPECT_EQ(parse(members(18, two)), Status::ok);
    EXPECT_EQ(parse(members(0, three)), Status::duplicate_member);
    EXPECT_EQ(parse(members(18, three)), Status::duplicate_member);
  }
}

TEST(StrictParser, CountsDepthAsNestedContainers) {
  // An object holding scalars is depth 1; arrays count like objects;
  // a scalar document has no depth to limit.
  EXPECT_EQ(parse(nested(3), 3), Status::ok);
  EXPECT_EQ(parse(nested(4), 3), Status::too_deep);
  EXPECT_EQ(parse("[[[1]]]", 3), Status::ok);
  EXPECT_EQ(parse("[[[[1]]]]", 3), Status::too_deep);
  EXPECT_EQ(parse("{\"a\":[{\"b\":[]}]}", 4), Status::ok);
  EXPECT_EQ(parse("{\"a\":[{\"b\":[]}]}", 3), Status::too_deep);
  EXPECT_EQ(parse("{}", 1), Status::ok);
  EXPECT_EQ(parse("{\"a\":[]}", 1), Status::too_deep);
  EXPECT_EQ(parse("1", 1), Status::ok);
  // The depth of the deepest branch counts, not the number of containers.
  EXPECT_EQ(parse("[[1],[2],[3],{\"a\":[4]}]", 3), Status::ok);
  // parse() takes the limit as given: 0 allows no container (the Verifier
  // reads a policy's 0 as 1 before it gets here).
  EXPECT_EQ(parse("{}", 0), Status::too_deep);
  EXPECT_EQ(parse("[]", 0), Status::too_deep);
  // reserve() clamps to the ceiling, so no limit reaches beyond it.
  EXPECT_EQ(parse(nested(json::kMaxDepthCeiling), json::kMaxDepthCeiling + 10), Status::ok);
  EXPECT_EQ(parse(nested(json::kMaxDepthCeiling + 1), json::kMaxDepthCeiling + 10), Status::too_deep);
  EXPECT_EQ(parse(std::string(5000, '[') + std::string(5000, ']'), 64), Status::too_deep);
}

// A parser used directly: reserve() decides capacity and depth.
struct Direct {
  json::StrictParser parser;
  Status parse(std::string_view text, uint32_t max_depth) {
    storage = simdjson::padded_string(text);
    json::Value root;
    return parser.parse(reinterpret_cast<const uint8_t*>(storage.data()), text.size(), max_depth, root);
  }
  simdjson::padded_string storage;
};

TEST(StrictParser, RefusesDocumentsBeyondWhatItReserved) {
  Direct d;
  ASSERT_TRUE(d.parser.reserve(16, 2));
  EXPECT_EQ(d.parser.capacity(), 16u);
  EXPECT_EQ(d.parser.max_depth(), 2u);
  const std::string sixteen = "{\"a\":[12345678]}";
  ASSERT_EQ(sixteen.size(), 16u);
  EXPECT_EQ(d.parse(sixteen, 2), Status::ok);
  EXPECT_EQ(d.parse(sixteen + " ", 2), Status::too_large);
  // A policy deeper than the reservation cannot go beyond it.
  EXPECT_EQ(d.parse("[[[1]]]", 10), Status::too_deep);
}

TEST(StrictParser, ReserveOnlyGrowsAndClampsDepth) {
  json::StrictParser p;
  ASSERT_TRUE(p.reserve(1000, 10));
  ASSERT_TRUE(p.reserve(10, 2));
  EXPECT_EQ(p.capacity(), 1000u);
  EXPECT_EQ(p.max_depth(), 10u);
  ASSERT_TRUE(p.reserve(10, 5000));
  EXPECT_EQ(p.max_depth(), json::kMaxDepthCeiling);
  json::StrictParser fresh;
  ASSERT_TRUE(fresh.reserve(10, 0));
  EXPECT_EQ(fresh.max_depth(), 1u);
}

TEST(StrictParser, StartsEachParseAfresh) {
  // A failed parse leaves nothing behind: the names of an object that held
  // a duplicate, or of one abandoned by a depth error, do not leak into the
  // next document.
  Direct d;
  ASSERT_TRUE(d.parser.reserve(256, 8));
  EXPECT_EQ(d.parse("{\"a\":1,\"a\":2}", 8), Status::duplicate_member);
  EXPECT_EQ(d.parse("{\"a\":1}", 8), Status::ok);
  EXPECT_EQ(d.parse("{\"a\":{\"b\":{\"c\":[1]}}}", 3), Status::too_deep);
  EXPECT_EQ(d.parse("{\"a\":1,\"b\":1,\"c\":1}", 3), Status::ok);
  EXPECT_EQ(d.parse("\xEF\xBB\xBF{}", 8), Status::bad_json);
  EXPECT_EQ(d.parse("{}", 8), Status::ok);
}

TEST(StrictParser, ParseDocumentSizesTheParserForTheText) {
  // The cold-path helper reserves for the text itself, so a large key
  // document parses without a separate reserve().
  const std::string big = members(2000);
  ParsedJson doc(big, 4);
  ASSERT_EQ(doc.status(), Status::ok);
  EXPECT_EQ(doc.root().size(), 2000u);
  int64_t v = -1;
  EXPECT_TRUE(doc.root().member("m1999").get_int(v));
  EXPECT_EQ(v, 0);
}

}  // namespace
}  // namespace jve
