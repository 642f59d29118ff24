// A pre-parse bound on JSON nesting, so that no recursive code (nlohmann's copy, comparison or
// dump) ever sees a deeply nested value (docs/spec/node.md N7, issue: a 400 KB request nested
// 200,000 levels deep crashed the node).
//
// JsonDepth() scans the text once, iteratively, counting '[' and '{' outside strings (string
// escapes are honoured). On a valid JSON text the result is the nesting depth nlohmann would
// build; on an invalid one it is at least the depth of the longest valid prefix, which is all the
// parser would build before refusing it. The scan stops as soon as `limit` is exceeded.
#pragma once

#include <cstddef>
#include <string_view>

namespace v2v::rpc {

inline constexpr size_t kDefaultMaxJsonDepth = 64;

// The deepest nesting in `text`, or limit + 1 as soon as it goes beyond `limit`.
size_t JsonDepth(std::string_view text, size_t limit);

}  // namespace v2v::rpc
