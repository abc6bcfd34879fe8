// jve/jwks_file.h: a KeyStore fed from a JWKS file that may change.
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

#include "jve/key_source.h"
#include "jve/key_store.h"

namespace jve {

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
  // interval, clamped to [10 ms, 1 year]. Zero or negative: no thread; call
  // reload_if_changed() yourself.
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
