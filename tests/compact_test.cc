// Unit tests of stage 1, split_compact (verify/compact.h): the size limit
// decided before anything is read, and the three-segment shape of a compact
// JWS (RFC 7515 §7.1), each at its boundary. What the segments hold (their
// base64url, their JSON) is for the later stages.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "test_printers.h"
#include "verify/compact.h"

namespace jve {
namespace {

using detail::CompactParts;
using detail::split_compact;

Status split(std::string_view token, size_t max_bytes = 1024) {
  CompactParts parts;
  return split_compact(token, max_bytes, parts);
}

TEST(SplitCompact, SplitsIntoViewsOfTheToken) {
  const std::string token = "hdr.payload.sig";
  CompactParts parts;
  ASSERT_EQ(split_compact(token, token.size(), parts), Status::ok);
  EXPECT_EQ(parts.header, "hdr");
  EXPECT_EQ(parts.payload, "payload");
  EXPECT_EQ(parts.signature, "sig");
  EXPECT_EQ(parts.signing_input, "hdr.payload");
  // Views into the token itself, not copies: the signature covers the
  // exact received bytes.
  EXPECT_EQ(parts.header.data(), token.data());
  EXPECT_EQ(parts.signing_input.data(), token.data());
  EXPECT_EQ(parts.payload.data(), token.data() + 4);
  EXPECT_EQ(parts.signature.data(), token.data() + 12);
}

TEST(SplitCompact, AllowsEmptyPayloadAndSignature) {
  // RFC 7515 allows an empty payload; an empty signature is a shape the
  // signature stage refuses (its length is wrong for every alg).
  CompactParts parts;
  ASSERT_EQ(split_compact("h..", 16, parts), Status::ok);
  EXPECT_EQ(parts.header, "h");
  EXPECT_EQ(parts.payload, "");
  EXPECT_EQ(parts.signature, "");
  EXPECT_EQ(parts.signing_input, "h.");
  EXPECT_EQ(split("h.p."), Status::ok);
  EXPECT_EQ(split("h..s"), Status::ok);
}

TEST(SplitCompact, RejectsAnEmptyHeader) {
  for (std::string_view t : {".p.s", "..", "..s", ".p."}) {
    EXPECT_EQ(split(t), Status::malformed) << t;
  }
}

TEST(SplitCompact, RejectsAnyOtherNumberOfSegments) {
  for (std::string_view t : {"", "h", "h.p", "h.", "h.p.s.", "h.p.s.x", "h...", "h.p..s",
                             "a.b.c.d.e",  // the JWE compact form
                             "{\"payload\":\"x\",\"signatures\":[]}"}) {
    EXPECT_EQ(split(t), Status::malformed) << t;
  }
}

TEST(SplitCompact, LeavesTheCharactersToTheLaterStages) {
  // Only '.' separates; anything else, even bytes base64url never holds,
  // is the decoder's business (bad_base64 there).
  for (std::string_view t : {"!.@.#", " . . ", "h\n.p.s", "\xff.p.s", "=.=.="}) {
    EXPECT_EQ(split(t), Status::ok) << t;
  }
  EXPECT_EQ(split(std::string_view("h.\0.s", 5)), Status::ok);
}

TEST(SplitCompact, DecidesTheSizeLimitFirst) {
  // Inclusive: a token of exactly max_bytes passes.
  const std::string token = "hdr.payload.sig";
  EXPECT_EQ(split(token, token.size()), Status::ok);
  EXPECT_EQ(split(token, token.size() - 1), Status::too_large);
  // Before the shape: an oversized token of any shape is too_large.
  EXPECT_EQ(split("....", 3), Status::too_large);
  EXPECT_EQ(split("abcd", 3), Status::too_large);
  EXPECT_EQ(split(".p.s", 3), Status::too_large);
  // An empty token fits every limit, and then has no segments.
  EXPECT_EQ(split("", 0), Status::malformed);
  EXPECT_EQ(split("h.p.s", 0), Status::too_large);
}

}  // namespace
}  // namespace jve
