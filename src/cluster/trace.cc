#include "cluster/trace.h"

#include "crypto/hash.h"

namespace v2v::cluster {

void Trace::Add(int64_t now_ms, const std::string& line) {
  lines_.push_back("t=" + std::to_string(now_ms) + " " + line);
}

Hash32 Trace::Fingerprint() const {
  std::string all;
  for (const std::string& l : lines_) all += l + "\n";
  all += logs_.str();
  return crypto::Sha256(AsBytes(all));
}

void Trace::Print(std::ostream& out, size_t n) const {
  const size_t from = n == 0 || lines_.size() <= n ? 0 : lines_.size() - n;
  for (size_t i = from; i < lines_.size(); ++i) out << lines_[i] << '\n';
}

}  // namespace v2v::cluster
