// decode_cmd.cc: `jve decode`, look inside a token without verifying it.
#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

#include "cli11.h"
#include "commands.h"
#include "jve/base64url.h"
#include "keyformat/json_document.h"

namespace jve::cli {
namespace {

constexpr const char kNotVerified[] =
    "NOT VERIFIED: decode checks nothing (signature, key, alg, claims); use 'jve verify'.";

constexpr const char kFooter[] = R"(
Prints the header and payload pretty-printed, exp / iat / nbf also as UTC
dates, and the signature's length. Nothing is verified.

Examples:
  jve decode eyJhbGciOi...
  pbpaste | jve decode -
  jve decode --json "$TOKEN" | jq .payload.sub

Exit: 0 decoded; 1 not a decodable token (segments, base64url or header JSON
wrong); 2 usage error or unreadable input.
)";

// b64_decode decodes one segment strictly (no padding, no whitespace).
bool b64_decode(std::string_view in, std::string& out) {
  out.resize(base64url::decoded_max_len(in.size()));
  size_t len = 0;
  if (base64url::decode(in, reinterpret_cast<uint8_t*>(out.data()), &len) != Status::ok) return false;
  out.resize(len);
  return true;
}

std::string number_text(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

struct TimeClaim {
  const char* name;
  bool present = false;
  bool is_number = false;
  double value = 0;
};

}  // namespace

int run_decode_command(int argc, char** argv) {
  CLI::App app{"Show a token's header and payload without verifying anything.", "jve decode"};
  app.footer(kFooter);
  std::string token;
  bool json_out = false;
  int64_t now = 0;
  app.add_option("TOKEN", token, "the token; '-' reads it from standard input")->required();
  app.add_flag("--json", json_out,
               "print one JSON object: header, payload (or payload_b64), times, signature_bytes, verified:false");
  app.add_option("--now", now, "UNIX seconds to compare exp / nbf with (default: the clock)");
  if (const int rc = parse_args(app, argc, argv); rc >= 0) return rc;
  if (app.count("--now") == 0) now = now_seconds();

  if (token == "-") {
    if (!read_file("-", token)) {
      return fail(app, kExitUsage, std::string("cannot read standard input: ") + std::strerror(errno));
    }
    trim_newline(token);
  }

  std::vector<std::string_view> segments;
  for (size_t start = 0;;) {
    const size_t dot = token.find('.', start);
    segments.push_back(std::string_view(token).substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (segments.size() == 5) {
    return fail(app, kExitInvalid, "this is a JWE (5 segments, encrypted): its payload cannot be decoded");
  }
  if (segments.size() != 3) {
    return fail(app, kExitInvalid,
                "not a compact JWS: " + std::to_string(segments.size()) +
                    " segment(s), a token has 3 separated by '.'");
  }
  std::string header, payload, signature;
  if (segments[0].empty() || !b64_decode(segments[0], header)) {
    return fail(app, kExitInvalid, "the header segment is not strict base64url");
  }
  keyformat::JsonDocument header_doc, payload_doc;
  if (const std::string why = header_doc.parse(header, true); !why.empty()) {
    return fail(app, kExitInvalid, "the header is not a JSON object: " + why);
  }
  if (!b64_decode(segments[1], payload)) {
    return fail(app, kExitInvalid, "the payload segment is not strict base64url");
  }
  const bool signature_ok = b64_decode(segments[2], signature);
  const std::string payload_problem = payload_doc.parse(payload, true);
  const bool payload_is_json = payload_problem.empty();

  TimeClaim times[] = {{"exp"}, {"iat"}, {"nbf"}};
  for (TimeClaim& t : times) {
    const json::Value v = payload_doc.root().member(t.name);
    t.present = v.present();
    t.is_number = v.get_number(t.value);
  }

  std::string out;
  if (json_out) {
    out = "{\"header\":" + json_minify(header) + ",\"payload\":";
    // A payload that is not JSON may not be UTF-8 either: give its base64url.
    out += payload_is_json ? json_minify(payload) : "null,\"payload_b64\":" + json_string(segments[1]);
    out += ",\"times\":{";
    bool first = true;
    for (const TimeClaim& t : times) {
      if (!t.present || !t.is_number) continue;
      out += first ? "" : ",";
      first = false;
      // ISO 8601, e.g. "2023-11-14T22:13:20Z".
      std::string date = utc_date(t.value);
      if (date.size() == 23) date = date.substr(0, 10) + "T" + date.substr(11, 8) + "Z";
      out += json_string(t.name) + ":" + json_string(date);
    }
    out += "},\"signature_bytes\":";
    out += signature_ok ? std::to_string(signature.size()) : "null";
    out += ",\"verified\":false}\n";
  } else {
    out = "Header:\n" + json_pretty(header) + "\n";
    if (payload_is_json) {
      out += "Payload:\n" + json_pretty(payload) + "\n";
    } else {
      out += "Payload (" + std::to_string(payload.size()) + " bytes, not a JSON object: " +
             payload_problem + "):\n" + json_string(payload) + "\n";
    }
    bool any_time = false;
    for (const TimeClaim& t : times) {
      if (!t.present) continue;
      if (!any_time) out += "Times (UTC):\n";
      any_time = true;
      out += "  ";
      out += t.name;
      out += "  ";
      if (!t.is_number) {
        out += "not a number (jve verify rejects it: bad_claim)\n";
        continue;
      }
      const int64_t delta = static_cast<int64_t>(std::floor(t.value)) - now;
      out += number_text(t.value) + "  " + utc_date(t.value) + "  (" + relative_time(delta);
      if (t.name == std::string_view("exp") && delta <= 0) out += ": expired";
      if (t.name == std::string_view("nbf") && delta > 0) out += ": not yet valid";
      out += ")\n";
    }
    out += "Signature: ";
    out += signature_ok ? std::to_string(signature.size()) + " bytes\n" : "not strict base64url\n";
    out += kNotVerified;
    out += '\n';
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace jve::cli
