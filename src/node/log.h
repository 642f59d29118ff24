// Structured logs: one JSON object per line (docs/spec/node.md N2).
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "base/clock.h"

namespace v2v::node {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
LogLevel ParseLogLevel(const std::string& name);  // unknown names give kInfo

class Logger {
 public:
  // `clock` stamps the lines (the node's, injected); it and `out` must outlive the logger.
  Logger(std::string node, LogLevel min_level, std::ostream& out, const base::Clock& clock)
      : node_(std::move(node)), min_level_(min_level), out_(out), clock_(clock) {}
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
  const base::Clock& clock_;
  std::mutex mu_;
};

}  // namespace v2v::node
