// JwksFile: rotation by rewriting the file, bad files keep the last good set
// and say why, deleted files, the watcher thread.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "jve/jwks_file.h"
#include "jve/verifier.h"
#include "testkit.h"
#include "sources/thread_name.h"
#include "thread_cpu.h"

namespace jve {
namespace {

using namespace std::chrono_literals;
constexpr int64_t kNow = 1'700'000'000;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "jve-jwks-file-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  bool ok() const { return !path_.empty(); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Rewrites the file in place (same inode), as an editor or `cat >` would.
void write_in_place(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::close(fd);
}

// Writes a new file next to it and renames it over the old one.
void write_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  write_in_place(tmp, content);
  ASSERT_EQ(std::rename(tmp.c_str(), path.c_str()), 0);
}

class JwksFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    path_ = dir_.file("jwks.json");
    policy_.clock = [] { return kNow; };
    policy_.check_audience = false;
    verifier_ = std::make_unique<Verifier>(policy_, store_);
  }

  std::string token(const testkit::SigningKey& key) const {
    return testkit::sign(key, testkit::header_json(key.alg, key.kid),
                         testkit::realistic_payload(kNow));
  }
  Status verify(const std::string& token) const {
    Scratch scratch;
    Claims claims;
    return verifier_->verify(token, scratch, claims);
  }

  TempDir dir_;
  std::string path_;
  Policy policy_;
  std::shared_ptr<KeyStore> store_ = std::make_shared<KeyStore>();
  std::unique_ptr<Verifier> verifier_;
  // Same alg and kid length: the JWKS of one has the size of the other's.
  testkit::SigningKey k1_ = testkit::generate_key(Alg::ES256, "k1");
  testkit::SigningKey k2_ = testkit::generate_key(Alg::ES256, "k2");
};

TEST_F(JwksFileTest, LoadsTheFileAtConstruction) {
  write_in_place(path_, testkit::jwks({&k1_}));
  JwksFile file(store_, path_);
  EXPECT_TRUE(file.loaded());
  EXPECT_TRUE(file.last_error().ok());
  EXPECT_EQ(file.replace_count(), 1u);
  EXPECT_EQ(file.path(), path_);
  EXPECT_EQ(verify(token(k1_)), Status::ok);
  EXPECT_EQ(verify(token(k2_)), Status::key_not_found);
}

TEST_F(JwksFileTest, RotatesWhenTheFileIsRewrittenInPlaceWithTheSameSize) {
  const std::string one = testkit::jwks({&k1_});
  const std::string two = testkit::jwks({&k2_});
  ASSERT_EQ(one.size(), two.size());
  write_in_place(path_, one);
  JwksFile file(store_, path_);
  ASSERT_TRUE(file.loaded());

  // Same inode, same size, several rewrites per file-system timestamp tick
  // (1-4 ms; where the kernel keeps coarse timestamps, only the re-read of
  // recently modified files notices all of them).
  for (int i = 0; i < 40; ++i) {
    write_in_place(path_, i % 2 == 0 ? two : one);
    ASSERT_EQ(file.reload_if_changed(), Reload::replaced) << "rewrite " << i;
  }
  write_in_place(path_, two);
  EXPECT_EQ(file.reload_if_changed(), Reload::replaced);
  EXPECT_EQ(verify(token(k2_)), Status::ok);
  EXPECT_EQ(verify(token(k1_)), Status::key_not_found);  // removed key: rejected at once

  write_atomically(path_, testkit::jwks({&k1_, &k2_}));
  EXPECT_EQ(file.reload_if_changed(), Reload::replaced);
  EXPECT_EQ(verify(token(k1_)), Status::ok);
  EXPECT_EQ(verify(token(k2_)), Status::ok);
  EXPECT_EQ(file.replace_count(), 43u);
}

// A rewrite within one file-system timestamp tick leaves the stat as it was
// (kernels since 6.13 give ext4 and others finer timestamps once a file was
// stat'ed, so this test cannot make one happen): a file is therefore read
// again while it is less than 2 s old, and only then does a check cost a
// stat alone.
TEST_F(JwksFileTest, RereadsARecentlyModifiedFileUntilItSettles) {
  write_in_place(path_, testkit::jwks({&k1_}));
  JwksFile file(store_, path_);
  EXPECT_EQ(file.read_count(), 1u);
  EXPECT_EQ(file.reload_if_changed(), Reload::unchanged);
  EXPECT_EQ(file.read_count(), 2u);  // fresh: read again, same bytes, no swap
  EXPECT_EQ(file.replace_count(), 1u);

  // Once the file is older than the window, one more read finds it settled;
  // the checks after that read nothing.
  std::this_thread::sleep_for(2100ms);
  EXPECT_EQ(file.reload_if_changed(), Reload::unchanged);
  const uint64_t reads = file.read_count();
  EXPECT_EQ(reads, 3u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(file.reload_if_changed(), Reload::unchanged);
  EXPECT_EQ(file.read_count(), reads);

  write_atomically(path_, testkit::jwks({&k2_}));
  EXPECT_EQ(file.reload_if_changed(), Reload::replaced);
  EXPECT_EQ(verify(token(k2_)), Status::ok);
}

TEST_F(JwksFileTest, IdenticalBytesDoNotSwapTheSet) {
  const std::string one = testkit::jwks({&k1_});
  write_in_place(path_, one);
  JwksFile file(store_, path_);
  const uint64_t version = store_->version();

  EXPECT_EQ(file.reload_if_changed(), Reload::unchanged);
  write_in_place(path_, one);  // rewritten, same bytes
  EXPECT_EQ(file.reload_if_changed(), Reload::unchanged);
  write_atomically(path_, one);  // new inode, same bytes
  EXPECT_EQ(file.reload_if_changed(), Reload::unchanged);
  EXPECT_EQ(file.reload(), Reload::unchanged);
  EXPECT_EQ(store_->version(), version);
  EXPECT_EQ(file.replace_count(), 1u);
}

TEST_F(JwksFileTest, BadFileKeepsTheLastGoodSetAndSaysWhy) {
  JwksFileOptions options;
  std::vector<SourceError> errors;
  int keys_seen = 0;
  options.max_bytes = 4096;
  options.on_error = [&](const SourceError& e) { errors.push_back(e); };
  options.on_keys = [&](const KeySet& keys) { keys_seen += static_cast<int>(keys.size()); };
  write_in_place(path_, testkit::jwks({&k1_}));
  JwksFile file(store_, path_, options);
  ASSERT_TRUE(file.loaded());
  EXPECT_EQ(keys_seen, 1);

  struct Case {
    const char* name;
    std::string content;
    SourceErrorKind kind;
    Status status;
  };
  const std::vector<uint8_t> short_secret(16, 0x42);
  const testkit::SigningKey weak = *testkit::key_from_secret(Alg::HS256, short_secret, "weak");
  const Case cases[] = {
      {"not JSON", "<html>not json</html>", SourceErrorKind::bad_jwks, Status::bad_json},
      {"empty file", "", SourceErrorKind::bad_jwks, Status::bad_json},
      {"JSON, not a JWKS", R"({"hello":"world"})", SourceErrorKind::bad_jwks, Status::bad_key},
      {"no keys", R"({"keys":[]})", SourceErrorKind::bad_jwks, Status::key_not_found},
      {"only a weak key", testkit::jwks({&weak}), SourceErrorKind::bad_jwks, Status::weak_key},
      {"too big", R"({"keys":[],"pad":")" + std::string(5000, 'x') + "\"}",
       SourceErrorKind::too_large, Status::too_large},
  };
  size_t expected_errors = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    write_atomically(path_, c.content);
    EXPECT_EQ(file.reload_if_changed(), Reload::failed);
    const SourceError e = file.last_error();
    EXPECT_EQ(e.kind, c.kind) << e.message;
    EXPECT_EQ(e.jwks_status, c.status) << e.message;
    EXPECT_NE(e.message.find(path_), std::string::npos) << e.message;
    ASSERT_EQ(errors.size(), ++expected_errors);
    EXPECT_EQ(errors.back(), e);
    EXPECT_EQ(verify(token(k1_)), Status::ok);  // the last good set serves on
    EXPECT_TRUE(file.loaded());
  }
  EXPECT_NE(file.last_error().message.find("4096"), std::string::npos);

  write_atomically(path_, testkit::jwks({&k2_}));
  EXPECT_EQ(file.reload_if_changed(), Reload::replaced);
  EXPECT_TRUE(file.last_error().ok());
  EXPECT_EQ(verify(token(k2_)), Status::ok);
  EXPECT_EQ(keys_seen, 2);
  EXPECT_EQ(errors.size(), expected_errors);
}

TEST_F(JwksFileTest, DeletedFileKeepsTheLastGoodSetUntilItComesBack) {
  int error_calls = 0;
  JwksFileOptions options;
  options.on_error = [&](const SourceError&) { ++error_calls; };
  const std::string one = testkit::jwks({&k1_});
  write_in_place(path_, one);
  JwksFile file(store_, path_, options);
  ASSERT_TRUE(file.loaded());

  ASSERT_EQ(std::remove(path_.c_str()), 0);
  EXPECT_EQ(file.reload_if_changed(), Reload::failed);
  SourceError e = file.last_error();
  EXPECT_EQ(e.kind, SourceErrorKind::unreadable);
  EXPECT_EQ(e.jwks_status, Status::ok);  // nothing was read
  EXPECT_NE(e.message.find(path_), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("No such file"), std::string::npos) << e.message;
  EXPECT_EQ(verify(token(k1_)), Status::ok);
  // Still missing: nothing new, and reported once.
  EXPECT_EQ(file.reload_if_changed(), Reload::unchanged);
  EXPECT_EQ(error_calls, 1);
  EXPECT_EQ(file.last_error(), e);

  // Back with the same bytes: no swap, and the error is gone.
  const uint64_t version = store_->version();
  write_in_place(path_, one);
  EXPECT_EQ(file.reload_if_changed(), Reload::unchanged);
  EXPECT_TRUE(file.last_error().ok());
  EXPECT_EQ(store_->version(), version);

  ASSERT_EQ(std::remove(path_.c_str()), 0);
  EXPECT_EQ(file.reload_if_changed(), Reload::failed);
  write_in_place(path_, testkit::jwks({&k2_}));
  EXPECT_EQ(file.reload_if_changed(), Reload::replaced);
  EXPECT_EQ(verify(token(k2_)), Status::ok);
  EXPECT_EQ(verify(token(k1_)), Status::key_not_found);
}

TEST_F(JwksFileTest, MissingAtStartLoadsWhenTheFileAppears) {
  JwksFile file(store_, path_);
  EXPECT_FALSE(file.loaded());
  EXPECT_EQ(file.last_error().kind, SourceErrorKind::unreadable);
  EXPECT_EQ(verify(token(k1_)), Status::key_not_found);
  write_in_place(path_, testkit::jwks({&k1_}));
  EXPECT_EQ(file.reload_if_changed(), Reload::replaced);
  EXPECT_TRUE(file.loaded());
  EXPECT_EQ(verify(token(k1_)), Status::ok);
}

TEST_F(JwksFileTest, RefusesWhatIsNotARegularFile) {
  const std::string fifo = dir_.file("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {fifo, dir_.file("")}) {
    SCOPED_TRACE(path);
    // A FIFO without a writer must not block the load.
    JwksFile file(store_, path);
    EXPECT_FALSE(file.loaded());
    const SourceError e = file.last_error();
    EXPECT_EQ(e.kind, SourceErrorKind::unreadable) << e.message;
  }
}

TEST_F(JwksFileTest, DestructorStopsTheWatcherPromptly) {
  write_in_place(path_, testkit::jwks({&k1_}));
  JwksFileOptions options;
  options.watch_interval = std::chrono::hours(1);
  auto file = std::make_unique<JwksFile>(store_, path_, options);
  const auto start = std::chrono::steady_clock::now();
  file.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// Every watch_interval, the extremes included, gives a sane source: a
// positive one a watcher that sleeps between checks (milliseconds::max()
// used to overflow its wait deadline, and it spun at 100% CPU), zero or a
// negative one no watcher; the file is loaded, and destruction is prompt.
TEST_F(JwksFileTest, ExtremeWatchIntervalsNeitherSpinNorHang) {
  write_atomically(path_, testkit::jwks({&k1_}));
  struct Case {
    std::chrono::milliseconds interval;
    bool watcher;
    long long max_switches;  // the watcher's wake-ups in 300 ms
  };
  const Case cases[] = {
      {std::chrono::milliseconds::max(), true, 5}, {std::chrono::hours(24 * 400), true, 5},
      {1ms, true, 300 / 10 + 10},  // clamped to 10 ms: a check every 10 ms
      {0ms, false, 0}, {-1ms, false, 0}, {std::chrono::milliseconds::min(), false, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.interval.count());
    JwksFileOptions options;
    options.watch_interval = c.interval;
    auto file = std::make_unique<JwksFile>(store_, path_, options);
    EXPECT_TRUE(file->loaded());
    // By name: TSan's runtime starts a thread of its own with the first
    // std::thread, so "threads started since" counted two.
    std::set<pid_t> watcher;
    for (int i = 0; i < 100 && c.watcher && watcher.empty(); ++i) {
      watcher = test::threads_named(sources::kJwksFileThread);
      if (watcher.empty()) std::this_thread::sleep_for(1ms);  // not named yet
    }
    if (!c.watcher) watcher = test::threads_named(sources::kJwksFileThread);
    EXPECT_EQ(watcher.size(), c.watcher ? 1u : 0u);
    // A sleeping watcher uses no CPU and is never switched out; a spinning
    // one uses a core, or, on a loaded machine, is preempted again and again
    // (thread_cpu.h).
    const auto cpu_before = test::cpu_time(watcher);
    const long long switches_before = test::context_switches(watcher);
    std::this_thread::sleep_for(300ms);
    EXPECT_LT(test::cpu_time(watcher) - cpu_before, 50ms);
    EXPECT_LE(test::context_switches(watcher) - switches_before, c.max_switches);
    EXPECT_EQ(verify(token(k1_)), Status::ok);
    const auto start = std::chrono::steady_clock::now();
    file.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  }
}

// Verifying threads run while the watcher swaps the set under them. Key 1
// is in every version of the file, key 2 comes and goes.
TEST_F(JwksFileTest, ThreadsVerifyWhileTheWatcherRotatesTheFile) {
  const std::string with_one = testkit::jwks({&k1_});
  const std::string with_both = testkit::jwks({&k1_, &k2_});
  write_atomically(path_, with_one);
  JwksFileOptions options;
  options.watch_interval = 5ms;
  JwksFile file(store_, path_, options);
  ASSERT_TRUE(file.loaded());

  const std::string token1 = token(k1_);
  const std::string token2 = token(k2_);
  std::atomic<bool> stop{false};
  std::atomic<int> token1_failures{0}, token2_unexplained{0}, verifies{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      Scratch scratch;
      Claims claims;
      while (!stop.load(std::memory_order_relaxed)) {
        if (verifier_->verify(token1, scratch, claims) != Status::ok) ++token1_failures;
        const Status s = verifier_->verify(token2, scratch, claims);
        if (s != Status::ok && s != Status::key_not_found) ++token2_unexplained;
        ++verifies;
      }
    });
  }
  for (int round = 0; round < 6; ++round) {
    const bool both = round % 2 == 0;
    write_atomically(path_, both ? with_both : with_one);
    // Poll for the watcher's swap; the deadline only bounds a broken run.
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    const Status want = both ? Status::ok : Status::key_not_found;
    while (verify(token2) != want && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    EXPECT_EQ(verify(token2), want) << "round " << round;
  }
  while (verifies.load() < 10) std::this_thread::yield();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(token1_failures.load(), 0);
  EXPECT_EQ(token2_unexplained.load(), 0);
  EXPECT_TRUE(file.last_error().ok());
}

}  // namespace
}  // namespace jve
