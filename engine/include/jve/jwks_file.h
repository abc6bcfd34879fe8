// jve/jwks_file.h: a KeyStore fed from a JWKS file that may change, and the
// error report shared by every key source (this file and jve/jwks_url.h).
//
//   auto store = std::make_shared<jve::KeyStore>();
//   jve::JwksFileOptions options;
//   options.watch_interval = std::chrono::seconds(5);   // background re-check
//   options.on_error = [](const jve::SourceError& e) { log(e.message); };
//   jve::JwksFile keys(store, "/etc/myapp/jwks.json", options);
//   if (!keys.loaded()) die(keys.last_error().message);
//   const jve::Verifier verifier(policy, store);
//
// A source only ever publishes a good set: when the file turns bad (missing,
// unreadable, too big, not JSON, no usable key), the store keeps the last
// good set and last_error() says why, until the file is good again.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "jve/key_set.h"
#include "jve/key_store.h"
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
  // too_large; bad_json, duplicate_member or too_deep for broken JSON; bad_key
  // for JSON that is not a JWKS; for a JWKS whose keys were all left out, the
  // first left-out key's status (weak_key, unsupported_key, ...), or
  // key_not_found when "keys" is empty. It stays ok when no document was
  // read (unreadable, network, timeout, http_status, refused).
  Status jwks_status = Status::ok;
  std::string message;  // one line naming the file or URL and the cause

  bool ok() const noexcept { return kind == SourceErrorKind::none; }
  friend bool operator==(const SourceError&, const SourceError&) = default;
};

// parse_usable_jwks parses |json| like KeySet::from_jwks, and also refuses a
// set in which no key is usable, since a key source must never replace a good
// set with an empty one. On failure returns the status described at
// SourceError::jwks_status and, when |why| is given, writes a sentence to it.
// Keys left out of a usable set stay listed in the set's left_out().
Result<std::shared_ptr<const KeySet>> parse_usable_jwks(std::string_view json,
                                                        std::string* why = nullptr);

// Reload is the outcome of one JwksFile check.
enum class Reload : uint8_t {
  unchanged = 0,  // nothing new: same file state, or same bytes as the published set
  replaced = 1,   // a new set was read and published in the store
  failed = 2,     // the file is bad now; the store keeps its set; see last_error()
};

struct JwksFileOptions {
  // Files bigger than this are refused (too_large) without being read.
  size_t max_bytes = size_t{1} << 20;
  // When positive, a background thread calls reload_if_changed() at this
  // interval. Zero: no thread; call reload_if_changed() yourself.
  std::chrono::milliseconds watch_interval{0};
  // on_keys is called after a new set is published; on_error when a check
  // fails on a new file state or with a new error (a file that stays missing
  // or stays the same bad bytes reports once). Both run on the thread that
  // made the check (the watcher or the caller), one at a time, after the
  // store was updated.
  // WARNING: they must not destroy the JwksFile nor call its reload
  // functions (that would deadlock); exceptions they throw are swallowed.
  std::function<void(const KeySet& keys)> on_keys;
  std::function<void(const SourceError& error)> on_error;
};

// JwksFile loads a JWKS file into a KeyStore and reloads it when it changes.
//
// Change detection: a check stats the path and compares device, inode, size,
// mtime and ctime with the last read. When they differ, or when the file was
// modified less than two seconds before the last read (a rewrite within the
// file system's timestamp granularity would leave them equal, the "racy git"
// problem), the file is read again. Its SHA-256 is compared with the
// published set's, so touching or rewriting identical bytes never swaps the
// set. Write new files atomically (write elsewhere, then rename()) or a check
// may read a half-written file, report bad_jwks, and recover on the next one.
//
// Thread-safety: every member function may be called from any thread; loads
// are serialised. Verifiers reading the store never wait for a load.
class JwksFile {
 public:
  // The constructor reads |path| once, synchronously. When that fails, the
  // store keeps the set it had (often an empty one) and last_error() says
  // why; later checks may still succeed. |store| must not be null.
  JwksFile(std::shared_ptr<KeyStore> store, std::string path, JwksFileOptions options = {});
  // The destructor stops the watcher thread (promptly, whatever the interval)
  // and waits for a load in progress. The store keeps the last set.
  ~JwksFile();
  JwksFile(const JwksFile&) = delete;
  JwksFile& operator=(const JwksFile&) = delete;

  // reload_if_changed checks the file as described above and reloads it when
  // it changed. Cheap (one stat) when nothing changed.
  Reload reload_if_changed();
  // reload reads the file whatever its timestamps say (still no swap for
  // identical bytes).
  Reload reload();

  // loaded tells whether a set from this file has been published.
  bool loaded() const;
  // last_error returns the current error: kind none once the file is good.
  SourceError last_error() const;
  // replace_count counts the sets published in the store by this source;
  // read_count the times the file was opened and read (a settled, unchanged
  // file costs a check one stat and no read).
  uint64_t replace_count() const;
  uint64_t read_count() const;

  const std::string& path() const noexcept;
  const std::shared_ptr<KeyStore>& store() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jve
