#include "node/log.h"

namespace v2v::node {

LogLevel ParseLogLevel(const std::string& name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

void Logger::Log(LogLevel level, const std::string& event, nlohmann::json fields) {
  if (level < min_level_) return;
  static constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
  nlohmann::json line = {{"ts", clock_.NowMs()},
                         {"level", kNames[static_cast<int>(level)]},
                         {"node", node_},
                         {"event", event}};
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  }
  std::lock_guard lock(mu_);
  out_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  out_.flush();
}

}  // namespace v2v::node
