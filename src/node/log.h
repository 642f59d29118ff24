// Structured logs: one JSON object per line (docs/spec/node.md N2).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace v2v::node {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
LogLevel ParseLogLevel(const std::string& name);  // unknown names give kInfo

class Logger {
 public:
  // `now_ms` is the wall clock (injected); `out` must outlive the logger.
  Logger(std::string node, LogLevel min_level, std::ostream& out, std::function<int64_t()> now_ms)
      : node_(std::move(node)), min_level_(min_level), out_(out), now_ms_(std::move(now_ms)) {}
  void Log(LogLevel level, const std::string& event,
           nlohmann::json fields = nlohmann::json::object());
  void Info(const std::string& event, nlohmann::json fields = nlohmann::json::object()) {
    Log(LogLevel::kInfo, event, std::move(fields));
  }
  void Warn(const std::string& event, nlohmann::json fields = nlohmann::json::object()) {
    Log(LogLevel::kWarn, event, std::move(fields));
  }
  void Debug(const std::string& event, nlohmann::json fields = nlohmann::json::object()) {
    Log(LogLevel::kDebug, event, std::move(fields));
  }

 private:
  std::string node_;
  LogLevel min_level_;
  std::ostream& out_;
  std::function<int64_t()> now_ms_;
  std::mutex mu_;
};

}  // namespace v2v::node
