#include "crypto/ca_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/file_util.h"
#include "crypto/certificate_issue.h"

namespace v2v::crypto {
namespace {

namespace fs = std::filesystem;

// A CA directory that cannot be read is a precondition failure of the command (exit 2).
Result<std::string> ReadFile(const std::string& path) {
  auto text = v2v::ReadFile(path);
  if (!text.ok()) return Status::FailedPrecondition(text.status().message());
  return text;
}

// Writes `text` to `path` with mode 0644, atomically (base/file_util.h).
Status WritePublicFile(const std::string& path, const std::string& text) {
  return WriteFileAtomic(path, text, 0644);
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The tab-separated fields of each non-empty line of `text`; each line must have `fields` of them.
Result<std::vector<std::vector<std::string>>> ParseTable(const std::string& path,
                                                         const std::string& text, size_t fields) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    std::vector<std::string> row;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      row.push_back(line.substr(start, tab - start));
    }
    row.push_back(line.substr(start));
    if (row.size() != fields) {
      return Status::FailedPrecondition(path + ":" + std::to_string(n) + ": expected " +
                                        std::to_string(fields) + " tab-separated fields");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Status CheckDays(int64_t days) {
  if (days < 1 || days > kMaxValidityDays) {
    return Status::InvalidArgument("days must be 1.." + std::to_string(kMaxValidityDays));
  }
  return Status::Ok();
}

Status CheckKeyMode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::FailedPrecondition(path + ": " + std::strerror(errno));
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", st.st_mode & 07777);
    return Status::FailedPrecondition(path + ": private key is readable by others (mode " + mode +
                                      "); run chmod 600");
  }
  return Status::Ok();
}

}  // namespace

Result<CaStore> CaStore::Init(const std::string& dir, const std::string& name, int64_t now_unix_s,
                              int64_t days) {
  V2V_RETURN_IF_ERROR(CheckDays(days));
  if (Status s = CheckSubjectName(name); !s.ok())
    return Status::InvalidArgument("CA name: " + s.message());
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      return Status::FailedPrecondition(dir + ": exists and is not a directory");
    if (!fs::is_empty(dir, ec)) {
      return Status::FailedPrecondition(dir +
                                        ": directory is not empty; refusing to overwrite a CA");
    }
  } else if (::mkdir(dir.c_str(), 0700) != 0) {
    return Status::IoError(dir + ": cannot create directory: " + std::strerror(errno));
  }
  V2V_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::Generate());
  V2V_ASSIGN_OR_RETURN(Bytes serial, RandomSerial());
  V2V_ASSIGN_OR_RETURN(Bytes der,
                       MakeCaCertificate(key, {.name = name,
                                               .serial = serial,
                                               .not_before = now_unix_s,
                                               .not_after = now_unix_s + days * kSecondsPerDay}));
  V2V_ASSIGN_OR_RETURN(CaInfo ca, ParseCaCertificateDer(der));
  V2V_ASSIGN_OR_RETURN(std::string key_pem, key.ToPem());
  CaStore store(dir, std::move(key), std::move(ca));
  V2V_RETURN_IF_ERROR(WritePrivateFile(store.Path("ca.key"), key_pem));
  V2V_RETURN_IF_ERROR(WritePublicFile(store.Path("issued.txt"), ""));
  V2V_RETURN_IF_ERROR(WritePublicFile(store.Path("revoked.txt"), ""));
  // ca.pem last: Open() needs it, so a crash before this point leaves no half-made CA in use.
  V2V_RETURN_IF_ERROR(WritePublicFile(store.Path("ca.pem"), CertificateDerToPem(der)));
  return store;
}

Result<CaStore> CaStore::Open(const std::string& dir) {
  const std::string cert_path = dir + "/ca.pem", key_path = dir + "/ca.key";
  V2V_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(cert_path));
  V2V_RETURN_IF_ERROR(CheckKeyMode(key_path));
  V2V_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(key_path));
  auto der = CertificatePemToDer(cert_pem);
  if (!der.ok()) return Status::FailedPrecondition(cert_path + ": " + der.status().message());
  auto ca = ParseCaCertificateDer(*der);
  if (!ca.ok()) return Status::FailedPrecondition(cert_path + ": " + ca.status().message());
  auto key = PrivateKey::FromPem(key_pem);
  if (!key.ok()) return Status::FailedPrecondition(key_path + ": " + key.status().message());
  if (key->public_key() != ca->public_key) {
    return Status::FailedPrecondition(key_path + ": key does not belong to " + cert_path);
  }
  return CaStore(dir, std::move(key).value(), std::move(ca).value());
}

Result<std::vector<std::string>> CaStore::IssuedSerials() const {
  const std::string path = Path("issued.txt");
  V2V_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  V2V_ASSIGN_OR_RETURN(auto rows, ParseTable(path, text, 4));
  std::vector<std::string> out;
  for (auto& row : rows) out.push_back(std::move(row[0]));
  return out;
}

Result<std::vector<RevokedEntry>> CaStore::RevokedList() const {
  const std::string path = Path("revoked.txt");
  V2V_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  V2V_ASSIGN_OR_RETURN(auto rows, ParseTable(path, text, 2));
  std::vector<RevokedEntry> out;
  for (auto& row : rows) {
    const auto when = ParseInt(row[1]);
    if (!when) return Status::FailedPrecondition(path + ": bad revocation time '" + row[1] + "'");
    out.push_back({std::move(row[0]), *when});
  }
  return out;
}

Result<Bytes> CaStore::Issue(const std::string& subject, Role role, const PublicKey& subject_key,
                             int64_t now_unix_s, int64_t days) {
  V2V_RETURN_IF_ERROR(CheckDays(days));
  if (now_unix_s > ca_.not_after)
    return Status::FailedPrecondition("the CA certificate has expired");
  const int64_t not_after = now_unix_s + days * kSecondsPerDay;
  if (not_after > ca_.not_after) {
    return Status::InvalidArgument("a certificate valid for " + std::to_string(days) +
                                   " days would outlive the CA certificate (at most " +
                                   std::to_string((ca_.not_after - now_unix_s) / kSecondsPerDay) +
                                   " days)");
  }
  V2V_ASSIGN_OR_RETURN(std::vector<std::string> issued, IssuedSerials());
  const std::set<std::string> used(issued.begin(), issued.end());
  Bytes serial;
  for (bool fresh = false; !fresh;) {
    V2V_ASSIGN_OR_RETURN(serial, RandomSerial());
    std::string hex = ToHex(serial);
    hex.erase(0, hex.find_first_not_of('0'));  // canonical: CertInfo::serial has no leading zeros
    fresh = used.count(hex) == 0 && hex != ca_.serial;
  }
  V2V_ASSIGN_OR_RETURN(Bytes der, IssueCertificate(key_, ca_.der,
                                                   {.subject = subject,
                                                    .role = role,
                                                    .subject_key = subject_key,
                                                    .serial = serial,
                                                    .not_before = now_unix_s,
                                                    .not_after = not_after}));
  V2V_ASSIGN_OR_RETURN(CertInfo info, ParseCertificateDer(der));
  V2V_ASSIGN_OR_RETURN(std::string text, ReadFile(Path("issued.txt")));
  text += info.serial + "\t" + std::string(RoleName(role)) + "\t" + std::to_string(not_after) +
          "\t" + subject + "\n";
  V2V_RETURN_IF_ERROR(WritePublicFile(Path("issued.txt"), text));
  return der;
}

Result<bool> CaStore::Revoke(ByteSpan cert_der, int64_t now_unix_s) {
  V2V_ASSIGN_OR_RETURN(CertInfo info, CheckIssuedBy(cert_der, ca_));
  V2V_ASSIGN_OR_RETURN(std::vector<RevokedEntry> revoked, RevokedList());
  for (const RevokedEntry& e : revoked) {
    if (e.serial == info.serial) return false;
  }
  V2V_ASSIGN_OR_RETURN(std::string text, ReadFile(Path("revoked.txt")));
  text += info.serial + "\t" + std::to_string(now_unix_s) + "\n";
  V2V_RETURN_IF_ERROR(WritePublicFile(Path("revoked.txt"), text));
  return true;
}

Result<Bytes> CaStore::GenerateCrl(int64_t now_unix_s, int64_t days) {
  V2V_RETURN_IF_ERROR(CheckDays(days));
  V2V_ASSIGN_OR_RETURN(std::vector<RevokedEntry> revoked, RevokedList());
  uint64_t number = 1;
  if (fs::exists(Path("crlnumber"))) {
    V2V_ASSIGN_OR_RETURN(std::string text, ReadFile(Path("crlnumber")));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    const auto last = ParseInt(text);
    if (!last || *last < 0) return Status::FailedPrecondition(Path("crlnumber") + ": not a number");
    number = static_cast<uint64_t>(*last) + 1;
  }
  V2V_ASSIGN_OR_RETURN(Bytes der, MakeCrl(key_, ca_.der,
                                          {.revoked = std::move(revoked),
                                           .number = number,
                                           .this_update = now_unix_s,
                                           .next_update = now_unix_s + days * kSecondsPerDay}));
  V2V_RETURN_IF_ERROR(WritePublicFile(Path("crlnumber"), std::to_string(number) + "\n"));
  return der;
}

}  // namespace v2v::crypto
