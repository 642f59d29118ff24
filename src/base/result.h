// Result<T>: a value or an error Status (like absl::StatusOr; std::expected is C++23).
//
// REQUIRES: value() only when ok(); status() of an OK result is Status::Ok().
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "base/status.h"

namespace v2v {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace v2v

#define V2V_CONCAT_INNER_(a, b) a##b
#define V2V_CONCAT_(a, b) V2V_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result expression, or returns its error Status.
#define V2V_ASSIGN_OR_RETURN(lhs, expr) \
  V2V_ASSIGN_OR_RETURN_IMPL_(V2V_CONCAT_(v2v_result_, __LINE__), lhs, expr)
#define V2V_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
