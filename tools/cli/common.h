// common.h: what every `jve` subcommand shares: exit codes, file reading,
// JSON text helpers, durations and dates. JSON is read with
// keyformat::JsonDocument (keyformat/json_document.h), the engine's strict
// parser, so the CLI accepts exactly the JSON the verifier accepts.
//
// Exit codes are the same for every subcommand (README "Command-line tool"):
//   0  success (token valid, key written, JWKS clean, ...)
//   1  a negative verdict: a token is invalid, `jwks check` found problems,
//      `decode` was given something that is not a token
//   2  usage error, unreadable file, unparseable key / JSON
//   3  an unexpected failure inside the crypto library (should not happen)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "keyformat/json_text.h"

namespace jve::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

// read_file reads a whole file ("-" is standard input); false (with errno
// set) for anything unreadable, directories included. No exceptions: the
// CLI maps failures to exit 2.
bool read_file(const std::string& path, std::string& out);

// write_file replaces |path| with |data|; false (errno set) on failure.
// |private_data| creates the file with mode 0600 (it holds a secret).
bool write_file(const std::string& path, std::string_view data, bool private_data);

// json_string quotes and escapes a JSON string: keyformat's one escaper
// (keyformat/json_text.h), which also writes the tools' JWKs and headers.
using keyformat::json_string;

// json_pretty re-indents already validated JSON text with two spaces, without
// re-encoding anything: numbers and strings keep their exact bytes.
std::string json_pretty(std::string_view json, int indent = 0);

// json_minify removes insignificant whitespace (simdjson::minify); the
// input must be valid JSON.
std::string json_minify(std::string_view json);

// parse_duration parses "+90s", "15m", "-1h", "7d" or plain seconds "3600"
// into seconds; nullopt on anything else (including overflow).
std::optional<int64_t> parse_duration(std::string_view text);

// parse_int64 parses a whole decimal integer; nullopt otherwise.
std::optional<int64_t> parse_int64(std::string_view text);

// utc_date formats UNIX seconds as "2023-11-14 22:13:20 UTC".
std::string utc_date(double unix_seconds);

// relative_time formats |delta| seconds as "in 59m 12s" or "3h 2m ago".
std::string relative_time(int64_t delta);

// now_seconds is the system clock in UNIX seconds.
int64_t now_seconds();

// trim_newline removes one trailing "\n" or "\r\n".
void trim_newline(std::string& s);

}  // namespace jve::cli
