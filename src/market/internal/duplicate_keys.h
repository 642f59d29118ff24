// Finds repeated keys in JSON objects while nlohmann::json parses: the parser itself keeps the
// last of two equal keys and says nothing, so `{"v": 1, "v": 9}` would silently mean v = 9.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace v2v::market::internal {

// Fed every parse event through OnEvent (as nlohmann::json's parser callback); remembers the
// path of the first key that repeats within one object ("buyers[0].v"). Objects nested deeper
// than max_depth are not tracked (too_deep() says so; callers refuse such input), so memory
// stays linear in the input. Single owner.
class DuplicateKeyFinder {
 public:
  explicit DuplicateKeyFinder(size_t max_depth) : max_depth_(max_depth) {}

  // Always true: every value is kept (the caller refuses the whole input if first() is set).
  bool OnEvent(nlohmann::json::parse_event_t event, const nlohmann::json& parsed);
  const std::optional<std::string>& first() const { return first_; }
  bool too_deep() const { return too_deep_; }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;  // object: keys seen so far
    std::string key;             // object: the key of the value being read
    size_t index = 0;            // array: index of the value being read
  };
  std::string Path() const;  // path of the value being read
  void ValueDone();

  size_t max_depth_;
  size_t untracked_ = 0;  // open containers beyond max_depth_
  bool too_deep_ = false;
  std::vector<Frame> stack_;
  std::optional<std::string> first_;
};

struct StrictParse {
  nlohmann::json value;                  // discarded on a syntax error
  std::optional<std::string> duplicate;  // path of the first repeated key
  bool too_deep = false;                 // nesting beyond max_depth
};
// Parses `text` (nlohmann::json, no exceptions) with a DuplicateKeyFinder attached.
StrictParse ParseRejectingDuplicates(std::string_view text, size_t max_depth);

}  // namespace v2v::market::internal
