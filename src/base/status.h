// Status: the result of an operation that returns no value, as a value.
//
// A Status is either OK or carries an error code and a message a user can act on.
// Nothing in v2vtrade throws across a module boundary; functions return Status or
// Result<T> (result.h) instead. Statuses are cheap to copy; OK allocates nothing.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace v2v {

// The closed set of error kinds. Values are stable (they may be persisted or printed).
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // the caller's input breaks a documented rule
  kNotFound = 2,
  kCorruption = 3,  // stored or received bytes are not what they claim to be
  kIoError = 4,
  kFailedPrecondition = 5,  // the system is not in a state where the call makes sense
  kInternal = 6,            // a bug or a numerical failure that should not happen
  kUnimplemented = 7,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  static Status Unimplemented(std::string msg) {
    return {StatusCode::kUnimplemented, std::move(msg)};
  }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // The message alone, without the code name ("" when OK).
  const std::string& message() const;
  // "OK" or "<CodeName>: <message>".
  std::string ToString() const;

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const Rep> rep_;  // null when OK
};

}  // namespace v2v

// Returns early from the enclosing function if `expr` (a Status) is not OK.
#define V2V_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::v2v::Status v2v_status_ = (expr);        \
    if (!v2v_status_.ok()) return v2v_status_; \
  } while (0)
