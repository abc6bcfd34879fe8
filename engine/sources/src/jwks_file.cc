// JwksFile: a JWKS file watched by stat, reloaded on change, published only
// when good. See jve/jwks_file.h for the contract.
#include "jve/jwks_file.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "sources/callbacks.h"
#include "sources/periods.h"
#include "sources/thread_name.h"

namespace jve {

namespace {

// A rewrite that lands within the file system's timestamp granularity (one
// kernel tick on most Linux file systems) of the previous one leaves mtime
// and ctime unchanged; with an unchanged size the stat looks identical. Git
// calls this the "racy" case and re-checks content: a file modified less
// than this long before we read it is read again on the next check. Two
// seconds covers coarse file systems (FAT: 2 s) as well.
constexpr int64_t kRacyWindowNs = 2'000'000'000;

int64_t to_ns(const timespec& t) noexcept {
  return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// What a stat tells about the path; equal states mean "not changed".
struct FileState {
  int error = 0;  // errno when the path could not be stat'ed, else 0
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  friend bool operator==(const FileState&, const FileState&) = default;
};

FileState state_of(const struct stat& st) noexcept {
  return FileState{0, st.st_dev, st.st_ino, st.st_size, to_ns(st.st_mtim), to_ns(st.st_ctim)};
}

bool modified_recently(const FileState& s) noexcept {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const int64_t newest = s.mtime_ns > s.ctime_ns ? s.mtime_ns : s.ctime_ns;
  return to_ns(now) - newest < kRacyWindowNs;  // also true for a future mtime
}

std::string errno_text(int err) { return std::system_category().message(err); }

class Fd {
 public:
  explicit Fd(int fd) noexcept : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

using Digest = std::array<uint8_t, SHA256_DIGEST_LENGTH>;

}  // namespace

struct JwksFile::Impl {
  Impl(std::shared_ptr<KeyStore> s, std::string p, JwksFileOptions o)
      : store(std::move(s)), path(std::move(p)), options(normalized(std::move(o))) {}

  // A non-positive watch_interval means "no watcher"; a positive one is
  // clamped, since milliseconds::max() would overflow the watcher's wait
  // deadline and make it spin.
  static JwksFileOptions normalized(JwksFileOptions o) {
    o.watch_interval = o.watch_interval.count() > 0 ? sources::clamp_period(o.watch_interval)
                                                    : std::chrono::milliseconds(0);
    return o;
  }

  const std::shared_ptr<KeyStore> store;
  const std::string path;
  const JwksFileOptions options;

  // Serialises checks, and with them the callbacks.
  std::mutex load_mu;
  std::optional<FileState> last_state;  // guarded by load_mu; nullopt: never checked
  bool racy = false;                    // guarded by load_mu
  std::optional<Digest> published;      // guarded by load_mu
  // The file state when on_error was last called: a new state with the same
  // error (another bad file) is reported again, a re-read of the same one not.
  std::optional<FileState> reported_state;  // guarded by load_mu

  // What the queries read; never held while reading or publishing.
  mutable std::mutex state_mu;
  SourceError error;
  bool loaded = false;
  uint64_t replaced = 0;
  uint64_t reads = 0;

  std::mutex watch_mu;
  std::condition_variable watch_cv;
  bool stop = false;  // guarded by watch_mu
  std::thread watcher;

  Reload check(bool force);
  Reload read_and_publish(const FileState& seen);
  Reload fail(SourceErrorKind kind, Status jwks_status, std::string message);
  void clear_error();
  void watch();
};

Reload JwksFile::Impl::check(bool force) {
  std::lock_guard<std::mutex> lock(load_mu);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    FileState missing;
    missing.error = err;
    // A file that stays missing is reported once, not at every check.
    if (!force && last_state == missing) return Reload::unchanged;
    last_state = missing;
    racy = false;
    return fail(SourceErrorKind::unreadable, Status::ok,
                "cannot read JWKS file " + path + ": " + errno_text(err));
  }
  const FileState seen = state_of(st);
  if (!force && !racy && last_state == seen) return Reload::unchanged;
  return read_and_publish(seen);
}

Reload JwksFile::Impl::read_and_publish(const FileState& seen) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is then
  // refused as not a regular file); it changes nothing for regular files.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    const int err = errno;
    last_state = seen;
    racy = false;
    return fail(SourceErrorKind::unreadable, Status::ok,
                "cannot open JWKS file " + path + ": " + errno_text(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    last_state = seen;
    racy = false;
    return fail(SourceErrorKind::unreadable, Status::ok,
                "cannot stat JWKS file " + path + ": " + errno_text(err));
  }
  {
    std::lock_guard<std::mutex> state(state_mu);
    ++reads;
  }
  // Remember what was actually opened: a later stat of a renamed-over path
  // then differs and triggers the next read.
  const FileState opened = state_of(st);
  last_state = opened;
  racy = modified_recently(opened);
  if (!S_ISREG(st.st_mode)) {
    return fail(SourceErrorKind::unreadable, Status::ok,
                "JWKS file " + path + " is not a regular file");
  }
  // Clamped so that max + 1 below cannot wrap around.
  const size_t max = std::min<size_t>(options.max_bytes, SIZE_MAX / 4);
  if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) > max) {
    return fail(SourceErrorKind::too_large, Status::too_large,
                "JWKS file " + path + " has " + std::to_string(st.st_size) +
                    " bytes, more than max_bytes (" + std::to_string(max) + ")");
  }

  // Read to the end, at most max + 1 bytes: the file may grow after fstat.
  std::string content;
  content.resize((static_cast<size_t>(st.st_size) < max ? static_cast<size_t>(st.st_size) : max) + 1);
  size_t have = 0;
  for (;;) {
    if (have == content.size()) {
      if (have > max) break;
      content.resize(content.size() * 2 < max + 1 ? content.size() * 2 : max + 1);
    }
    const ssize_t n = ::read(fd.get(), content.data() + have, content.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      return fail(SourceErrorKind::unreadable, Status::ok,
                  "cannot read JWKS file " + path + ": " + errno_text(err));
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  if (have > max) {
    return fail(SourceErrorKind::too_large, Status::too_large,
                "JWKS file " + path + " grew beyond max_bytes (" + std::to_string(max) +
                    ") while being read");
  }
  content.resize(have);

  Digest digest{};
  SHA256(reinterpret_cast<const uint8_t*>(content.data()), content.size(), digest.data());
  if (published == digest) {  // same bytes as the set in the store: no swap
    clear_error();
    return Reload::unchanged;
  }
  std::string why;
  Result<std::shared_ptr<const KeySet>> keys = parse_usable_jwks(content, &why);
  if (!keys.ok()) {
    return fail(SourceErrorKind::bad_jwks, keys.status(), "JWKS file " + path + ": " + why);
  }
  store->replace(*keys);
  published = digest;
  {
    std::lock_guard<std::mutex> state(state_mu);
    error = SourceError{};
    loaded = true;
    ++replaced;
  }
  sources::call_quietly(options.on_keys, **keys);
  return Reload::replaced;
}

Reload JwksFile::Impl::fail(SourceErrorKind kind, Status jwks_status, std::string message) {
  SourceError next{kind, jwks_status, std::move(message)};
  bool changed;
  {
    std::lock_guard<std::mutex> state(state_mu);
    changed = !(error == next);
    if (changed) error = next;
  }
  if (changed || reported_state != last_state) {
    reported_state = last_state;
    sources::call_quietly(options.on_error, next);
  }
  return Reload::failed;
}

void JwksFile::Impl::clear_error() {
  std::lock_guard<std::mutex> state(state_mu);
  error = SourceError{};
}

void JwksFile::Impl::watch() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(watch_mu);
      if (watch_cv.wait_for(lock, options.watch_interval, [this] { return stop; })) return;
    }
    check(false);
  }
}

JwksFile::JwksFile(std::shared_ptr<KeyStore> store, std::string path, JwksFileOptions options)
    : impl_(std::make_unique<Impl>(store ? std::move(store) : std::make_shared<KeyStore>(),
                                   std::move(path), std::move(options))) {
  impl_->check(true);
  if (impl_->options.watch_interval.count() > 0) {
    impl_->watcher = std::thread([impl = impl_.get()] {
      sources::name_this_thread(sources::kJwksFileThread);
      impl->watch();
    });
  }
}

JwksFile::~JwksFile() {
  if (impl_->watcher.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl_->watch_mu);
      impl_->stop = true;
    }
    impl_->watch_cv.notify_all();
    impl_->watcher.join();
  }
}

Reload JwksFile::reload_if_changed() { return impl_->check(false); }
Reload JwksFile::reload() { return impl_->check(true); }

bool JwksFile::loaded() const {
  std::lock_guard<std::mutex> state(impl_->state_mu);
  return impl_->loaded;
}

SourceError JwksFile::last_error() const {
  std::lock_guard<std::mutex> state(impl_->state_mu);
  return impl_->error;
}

uint64_t JwksFile::replace_count() const {
  std::lock_guard<std::mutex> state(impl_->state_mu);
  return impl_->replaced;
}

uint64_t JwksFile::read_count() const {
  std::lock_guard<std::mutex> state(impl_->state_mu);
  return impl_->reads;
}

const std::string& JwksFile::path() const noexcept { return impl_->path; }
const std::shared_ptr<KeyStore>& JwksFile::store() const noexcept { return impl_->store; }

}  // namespace jve
