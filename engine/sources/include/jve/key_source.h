// jve/key_source.h: what every key source shares (JwksFile, JwksUrl, the C
// API, the CLI, the example service): the error report, the rule that
// decides whether a JWKS document may be published, and the one-line
// description of a key that was left out of a set.
//
// The rule: a JWKS is usable when it parses (KeySet::from_jwks) and at least
// one of its keys loads. A set with no keys at all, {"keys":[]}, is refused
// with key_not_found, the status every token would get from it; a set whose
// keys were all left out is refused with the first left-out key's status.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "jve/key_set.h"
#include "jve/result.h"
#include "jve/status.h"

namespace jve {

// SourceErrorKind says what went wrong with a key source's last load or
// fetch. The names from to_string are stable (logs, metrics); numbers are
// append only, like Status.
enum class SourceErrorKind : uint8_t {
  none = 0,
  unreadable = 1,   // file: missing, not a regular file, no permission, read error
  network = 2,      // URL: DNS, connect, TLS (certificate) or transfer failure
  timeout = 3,      // URL: the connect or the total timeout expired
  http_status = 4,  // URL: the final response was not 200
  too_large = 5,    // the document is bigger than the source's max_bytes
  bad_jwks = 6,     // read, but not a JWKS with a usable key: see jwks_status
  refused = 7,      // configuration refused: plain http without allow_http, a
                    // libcurl that is not the GnuTLS flavour, ...
};

// to_string returns "none", "unreadable", "network", ...; "unknown" for a
// value outside the enum. Never allocates.
std::string_view to_string(SourceErrorKind kind) noexcept;

// SourceError is a key source's report on its last attempt.
struct SourceError {
  SourceErrorKind kind = SourceErrorKind::none;
  // jwks_status is the jve::Status of a document that was read but refused:
  // too_large; duplicate_member, or bad_json for any other broken JSON (nesting
  // too deep included: key documents do not tell it apart); bad_key
  // for JSON that is not a JWKS; for a JWKS whose keys were all left out, the
  // first left-out key's status (weak_key, unsupported_key, ...), or
  // key_not_found when "keys" is empty (the C API's jve_key_store_new gives
  // the same statuses). It stays ok when no document was
  // read (unreadable, network, timeout, http_status, refused).
  Status jwks_status = Status::ok;
  std::string message;  // one line naming the file or URL and the cause

  bool ok() const noexcept { return kind == SourceErrorKind::none; }
  friend bool operator==(const SourceError&, const SourceError&) = default;
};

// parse_usable_jwks parses |json| like KeySet::from_jwks, and also refuses a
// set in which no key is usable, since a key source must never replace a good
// set with an empty one. On failure returns the status described at
// SourceError::jwks_status (key_not_found for {"keys":[]}) and, when |why| is
// given, writes a sentence to it that describes the first left-out key as
// describe_left_out does. Keys left out of a usable set stay listed in the
// set's left_out(). Thread-safe; allocates (a cold path).
Result<std::shared_ptr<const KeySet>> parse_usable_jwks(std::string_view json,
                                                        std::string* why = nullptr);

// describe_left_out returns one line about a key that a loader left out, for
// warnings and logs, in the form
//   key #1 (kid "old") left out: weak_key: <issue.why>
// (no kid part when the key had none; no ": <why>" when why is empty). The
// kid comes from the document, so it is quoted, shortened and escaped to
// printable ASCII, which keeps a hostile kid from forging log lines.
std::string describe_left_out(const KeyIssue& issue);

}  // namespace jve
