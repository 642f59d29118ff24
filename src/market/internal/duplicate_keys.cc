#include "market/internal/duplicate_keys.h"

namespace v2v::market::internal {

using nlohmann::json;

std::string DuplicateKeyFinder::Path() const {
  std::string path;
  for (const Frame& f : stack_) {
    if (!f.object) {
      path += "[" + std::to_string(f.index) + "]";
    } else {
      path += (path.empty() ? "" : ".") + f.key;
    }
  }
  return path;
}

void DuplicateKeyFinder::ValueDone() {
  if (untracked_ == 0 && !stack_.empty() && !stack_.back().object) ++stack_.back().index;
}

bool DuplicateKeyFinder::OnEvent(json::parse_event_t event, const json& parsed) {
  switch (event) {
    case json::parse_event_t::object_start:
    case json::parse_event_t::array_start:
      if (untracked_ > 0 || stack_.size() >= max_depth_) {
        ++untracked_;
        too_deep_ = true;
      } else {
        stack_.push_back(Frame{event == json::parse_event_t::object_start, {}, {}, 0});
      }
      break;
    case json::parse_event_t::key:
      if (untracked_ == 0) {
        Frame& f = stack_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second && !first_) first_ = Path();
      }
      break;
    case json::parse_event_t::object_end:
    case json::parse_event_t::array_end:
      if (untracked_ > 0) {
        --untracked_;
      } else {
        stack_.pop_back();
        ValueDone();
      }
      break;
    case json::parse_event_t::value:
      ValueDone();
      break;
  }
  return true;
}

StrictParse ParseRejectingDuplicates(std::string_view text, size_t max_depth) {
  DuplicateKeyFinder finder(max_depth);
  json::parser_callback_t cb = [&finder](int, json::parse_event_t event, json& parsed) {
    return finder.OnEvent(event, parsed);
  };
  StrictParse out;
  out.value = json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/false);
  out.duplicate = finder.first();
  out.too_deep = finder.too_deep();
  return out;
}

}  // namespace v2v::market::internal
