// ReaderGate (jve/reader_gate.h) when membarrier(2) fails after the readers
// registered: the writer cannot know a reader has left, so KeyStore::replace
// must keep the old set rather than free it under a reader.
#include <gtest/gtest.h>

#include <linux/filter.h>
#include <linux/membarrier.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <memory>

#include "jve/key_set.h"
#include "jve/key_store.h"

namespace jve {
namespace {

#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)

// From now on every thread's membarrier(2) fails with EPERM; nothing else
// changes. Irreversible: only in a death-test child.
bool refuse_membarrier() {
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_membarrier, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) == 0;
}

// Exit codes say which step went wrong.
[[noreturn]] void replace_with_and_without_the_barrier() {
  auto first = std::make_shared<const KeySet>();
  auto second = std::make_shared<const KeySet>();
  const std::weak_ptr<const KeySet> first_alive = first, second_alive = second;
  KeyStore store(std::move(first));
  { KeyStore::Reader r(store); }  // this thread takes its own counter
  store.replace(std::move(second));
  if (!first_alive.expired()) _exit(2);  // with the barrier: freed at once
  if (!refuse_membarrier()) _exit(3);
  { KeyStore::Reader r(store); }
  store.replace(std::make_shared<const KeySet>());
  if (second_alive.expired()) _exit(4);  // freed although no barrier ran
  _exit(0);
}

TEST(ReaderGateDeathTest, ReplaceKeepsTheOldSetWhenTheBarrierFails) {
  const long cmds = ::syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0);
  if (cmds < 0 || (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0)
    GTEST_SKIP() << "no expedited membarrier here: readers use the seq_cst counters";
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh process: its first reader owns a counter
  EXPECT_EXIT(replace_with_and_without_the_barrier(), ::testing::ExitedWithCode(0), "");
}

#endif

}  // namespace
}  // namespace jve
