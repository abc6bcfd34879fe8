// name_this_thread: how a key source's background thread shows in ps, top,
// gdb and /proc (comm). The tests find a source's thread by its name, not
// by counting new threads: a sanitizer runtime may start threads of its own.
#pragma once

#include <pthread.h>

namespace jve::sources {

inline constexpr const char* kJwksFileThread = "jve-jwks-file";
inline constexpr const char* kJwksUrlThread = "jve-jwks-url";

// name_this_thread names the calling thread; |name| is at most 15 bytes
// (Linux's limit). Naming is best effort: a failure changes nothing else.
inline void name_this_thread(const char* name) noexcept {
  (void)::pthread_setname_np(::pthread_self(), name);
}

}  // namespace jve::sources
