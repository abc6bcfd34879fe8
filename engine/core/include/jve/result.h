// jve/result.h: Result<T>, a value or a Status, for cold paths (key loading).
// Never throws; callers test ok() and then use * or ->.
#pragma once

#include <utility>
#include <variant>

#include "jve/status.h"

namespace jve {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status s) : v_(s) {}                // NOLINT: implicit by design

  bool ok() const noexcept { return v_.index() == 0; }
  Status status() const noexcept { return ok() ? Status::ok : std::get<1>(v_); }

  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace jve
