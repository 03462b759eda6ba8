// Errors as values at module boundaries (LevelDB's Status, cppzmq's "would block is a value").
// Expected outcomes such as a duplicate punch are not errors and never travel as a Status.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace titip {

enum class Code {
  kOk = 0,
  kInvalidArgument,  // caller passed something malformed (bad punch field, bad config)
  kNotFound,
  kCorruption,          // on-disk or on-wire data is damaged; never guess, refuse
  kIoError,             // the OS said no (fsync, open, write)
  kStoreFull,           // map cap reached: intake refused, retry after space frees up
  kUnavailable,         // peer or resource not reachable now
  kFailedPrecondition,  // e.g. store already failed (sticky), wrong layout version
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return {}; }
  static Status Invalid(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status StoreFull(std::string m) { return {Code::kStoreFull, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Precondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

const char* CodeName(Code c);

// A value or the Status explaining its absence. Holds exactly one of the two.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status s) : v_(std::move(s)) {}     // NOLINT: precondition: !s.ok()
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace titip
