// call_quietly: how a key source calls its user's callbacks.
#pragma once

#include <utility>

namespace jve::sources {

// call_quietly calls |f| (when set) with |args|; an exception it throws is
// swallowed, since a user callback's failure must not stop a source's
// thread or reach the verify path.
template <class F, class... Args>
void call_quietly(const F& f, Args&&... args) noexcept {
  if (!f) return;
  try {
    f(std::forward<Args>(args)...);
  } catch (...) {
  }
}

}  // namespace jve::sources
