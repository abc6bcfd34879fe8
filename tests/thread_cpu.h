// thread_cpu.h: the threads of this process and the CPU time they used, read
// from /proc, for tests that show a background thread sleeps between its
// jobs instead of spinning. Linux only, like the key sources' tests.
#pragma once

#include <dirent.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

namespace jve::test {

// thread_ids lists the ids of this process's threads.
inline std::set<pid_t> thread_ids() {
  std::set<pid_t> ids;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(dir)) {
      if (e->d_name[0] != '.') ids.insert(static_cast<pid_t>(std::atol(e->d_name)));
    }
    ::closedir(dir);
  }
  return ids;
}

// threads_since returns the threads that exist now and not in |before|.
inline std::set<pid_t> threads_since(const std::set<pid_t>& before) {
  std::set<pid_t> now = thread_ids(), started;
  std::set_difference(now.begin(), now.end(), before.begin(), before.end(),
                      std::inserter(started, started.end()));
  return started;
}

// threads_named returns this process's threads whose name (comm) is |name|:
// a library's background thread, told apart from threads a sanitizer's
// runtime or a test server may start meanwhile.
inline std::set<pid_t> threads_named(const std::string& name) {
  std::set<pid_t> named;
  for (pid_t id : thread_ids()) {
    std::ifstream in("/proc/self/task/" + std::to_string(id) + "/comm");
    std::string comm;
    if (std::getline(in, comm) && comm == name) named.insert(id);
  }
  return named;
}

// cpu_time returns the user plus system time the threads |ids| have used,
// at the kernel's tick resolution (10 ms on most systems); a thread that has
// ended counts no more.
inline std::chrono::milliseconds cpu_time(const std::set<pid_t>& ids) {
  static const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  long long ticks = 0;
  for (pid_t id : ids) {
    std::ifstream in("/proc/self/task/" + std::to_string(id) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name, field 2, is in parentheses and may hold spaces:
    // count fields after its closing one. utime and stime are fields 14 and
    // 15 (proc(5)), the 12th and 13th after the name.
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 1));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 1; i <= 13 && fields >> field; ++i) {
      if (i == 12) utime = std::atoll(field.c_str());
      if (i == 13) stime = std::atoll(field.c_str());
    }
    ticks += utime + stime;
  }
  return std::chrono::milliseconds(ticks * 1000 / (ticks_per_second > 0 ? ticks_per_second : 100));
}

// context_switches returns how often the threads |ids| left the CPU,
// voluntarily (to wait) or not (preempted). A thread asleep for the whole
// interval adds none. A spinning one adds either CPU time (on an idle
// machine) or preemptions (on a loaded one, where cpu_time alone may stay
// low), so the two together tell a spin from a sleep on any machine.
inline long long context_switches(const std::set<pid_t>& ids) {
  long long switches = 0;
  for (pid_t id : ids) {
    std::ifstream in("/proc/self/task/" + std::to_string(id) + "/status");
    std::string line;
    while (std::getline(in, line)) {
      for (const char* name : {"voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"}) {
        if (line.rfind(name, 0) == 0) switches += std::atoll(line.c_str() + std::string(name).size());
      }
    }
  }
  return switches;
}

}  // namespace jve::test
