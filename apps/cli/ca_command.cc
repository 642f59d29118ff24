#include "ca_command.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "base/clock.h"
#include "base/file_util.h"
#include "base/utc_time.h"
#include "chain/tx.h"
#include "crypto/ca_store.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "rpc/http_client.h"

namespace v2v::cli {
namespace {

namespace fs = std::filesystem;

struct CaOptions {
  std::string out;
  std::string ca;
  std::string subject;
  std::string role;
  std::string cert;
  std::string key;  // register: the certificate holder's private key (PEM)
  std::string rpc;  // revoke: also submit the on-chain Revoke to this node
  int64_t days = 0;
};

inline constexpr int64_t kRenewBackdateS = 300;

// The only clock read in the CA path: the library takes the time as an argument.
int64_t NowUnix() { return base::SystemClock::Shared().NowMs() / 1000; }

// Prints one line "v2v ca <cmd>: <message>" and returns the exit code for `status`.
int CaFail(const char* cmd, const Status& status) {
  std::cerr << "v2v ca " << cmd << ": " << status.message() << "\n";
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kNotFound:
    case StatusCode::kCorruption:
      return 2;
    default:
      return 1;
  }
}

// OK if `dir` does not exist or is an empty directory.
Status CheckFreshDir(const std::string& flag, const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Status::Ok();
  if (!fs::is_directory(dir, ec))
    return Status::InvalidArgument(flag + " " + dir + ": exists and is not a directory");
  if (!fs::is_empty(dir, ec)) {
    return Status::InvalidArgument(flag + " " + dir +
                                   ": directory is not empty; refusing to overwrite");
  }
  return Status::Ok();
}

Result<std::string> ReadText(const std::string& flag, const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return Status::InvalidArgument(flag + " " + text.status().message());
  return text;
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IoError(path + ": cannot write file");
  return Status::Ok();
}

Result<crypto::CaStore> OpenCa(const std::string& dir) {
  auto store = crypto::CaStore::Open(dir);
  if (!store.ok())
    return Status::FailedPrecondition("--ca " + dir +
                                      ": not a usable CA: " + store.status().message());
  return store;
}

int RunInit(const CaOptions& opt) {
  if (Status s = CheckFreshDir("--out", opt.out); !s.ok()) return CaFail("init", s);
  const int64_t now = NowUnix();
  auto store = crypto::CaStore::Init(opt.out, opt.subject, now, opt.days);
  if (!store.ok()) return CaFail("init", store.status());
  std::cout << "created CA '" << store->ca().name << "' in " << opt.out
            << " (ca.pem, ca.key), valid until " << base::FormatUtc(store->ca().not_after) << "\n";
  return 0;
}

Status Issue(const CaOptions& opt) {
  const auto role = crypto::ParseRole(opt.role);
  if (!role) return Status::InvalidArgument("--role " + opt.role + ": must be vehicle or rsu");
  if (Status s = crypto::CheckSubjectName(opt.subject); !s.ok()) {
    return Status::InvalidArgument("--subject '" + opt.subject + "': " + s.message());
  }
  V2V_RETURN_IF_ERROR(CheckFreshDir("--out", opt.out));
  V2V_ASSIGN_OR_RETURN(crypto::CaStore store, OpenCa(opt.ca));
  V2V_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate());
  V2V_ASSIGN_OR_RETURN(std::string key_pem, key.ToPem());
  auto issued = store.Issue(opt.subject, *role, key.public_key(), NowUnix(), opt.days);
  if (!issued.ok() && issued.status().code() == StatusCode::kInvalidArgument) {
    return Status::InvalidArgument("--days " + std::to_string(opt.days) + ": " +
                                   issued.status().message());
  }
  V2V_ASSIGN_OR_RETURN(Bytes der, std::move(issued));
  V2V_ASSIGN_OR_RETURN(crypto::CertInfo info, crypto::ParseCertificateDer(der));
  std::error_code ec;
  fs::create_directories(opt.out, ec);
  if (ec || ::chmod(opt.out.c_str(), 0700) != 0)
    return Status::IoError(opt.out + ": cannot create directory");
  V2V_RETURN_IF_ERROR(crypto::WritePrivateFile(opt.out + "/key.pem", key_pem));
  V2V_RETURN_IF_ERROR(WriteText(opt.out + "/cert.pem", crypto::CertificateDerToPem(der)));
  std::cout << "issued " << info.serial << " to '" << info.subject << "' ("
            << crypto::RoleName(info.role) << "), valid until " << base::FormatUtc(info.not_after)
            << ": " << opt.out << "/cert.pem, " << opt.out << "/key.pem\n";
  return Status::Ok();
}

// The bytes of the certificate named by --cert, PEM or DER.
Result<Bytes> ReadCertDer(const CaOptions& opt) {
  V2V_ASSIGN_OR_RETURN(std::string text, ReadText("--cert", opt.cert));
  auto der = crypto::CertificatePemToDer(text);
  if (!der.ok()) der = Bytes(text.begin(), text.end());  // accept DER too
  return der;
}

// The certificate named by --cert (PEM or DER), which this CA must have issued.
Result<crypto::CertInfo> ReadIssuedCert(const CaOptions& opt, const crypto::CaStore& store) {
  V2V_ASSIGN_OR_RETURN(Bytes der, ReadCertDer(opt));
  auto info = crypto::CheckIssuedBy(der, store.ca());
  if (!info.ok())
    return Status::InvalidArgument("--cert " + opt.cert + ": " + info.status().message());
  return info;
}

// A new certificate for the subject, role and key of one this CA issued: the holder keeps its key
// (an RSU's key is its Clique signer key). The ledger learns it from `v2v ca recertify`.
Status Renew(const CaOptions& opt) {
  V2V_RETURN_IF_ERROR(CheckFreshDir("--out", opt.out));
  V2V_ASSIGN_OR_RETURN(crypto::CaStore store, OpenCa(opt.ca));
  V2V_ASSIGN_OR_RETURN(crypto::CertInfo old, ReadIssuedCert(opt, store));
  // Valid from kRenewBackdateS ago: a block stamped by a sealer whose clock is a little behind the
  // CA's still finds it valid (as public CAs backdate notBefore).
  auto issued =
      store.Issue(old.subject, old.role, old.public_key, NowUnix() - kRenewBackdateS, opt.days);
  if (!issued.ok() && issued.status().code() == StatusCode::kInvalidArgument) {
    return Status::InvalidArgument("--days " + std::to_string(opt.days) + ": " +
                                   issued.status().message());
  }
  V2V_ASSIGN_OR_RETURN(Bytes der, std::move(issued));
  V2V_ASSIGN_OR_RETURN(crypto::CertInfo info, crypto::ParseCertificateDer(der));
  std::error_code ec;
  fs::create_directories(opt.out, ec);
  if (ec) return Status::IoError(opt.out + ": cannot create directory");
  V2V_RETURN_IF_ERROR(WriteText(opt.out + "/cert.pem", crypto::CertificateDerToPem(der)));
  std::cout << "renewed '" << info.subject << "' (" << crypto::RoleName(info.role)
            << ", same key): serial " << info.serial << " replaces " << old.serial
            << ", valid until " << base::FormatUtc(info.not_after) << ": " << opt.out
            << "/cert.pem\n";
  return Status::Ok();
}

// The network the node at `rpc` runs (chain_head's `network`): a CA transaction is signed for it.
Result<chain::NetworkId> NetworkAt(const std::string& rpc) {
  auto head = rpc::Call(rpc, "chain_head", nlohmann::json::array());
  if (!head.ok())
    return Status(head.status().code(), "--rpc " + rpc + ": " + head.status().message());
  auto network = chain::ParseNetworkHex(head->value("network", std::string()));
  if (!network.ok()) return Status::Internal("--rpc " + rpc + ": chain_head names no network");
  return network;
}

// Signs `body` as `sender`'s transaction with `nonce`, for the network the node at `rpc` runs, and
// submits it; returns its hash.
Result<std::string> SubmitSigned(const std::string& rpc, std::string sender, uint64_t nonce,
                                 chain::TxBody body, const crypto::PrivateKey& key) {
  V2V_ASSIGN_OR_RETURN(chain::NetworkId network, NetworkAt(rpc));
  chain::Tx tx;
  tx.network = network;
  tx.sender = std::move(sender);
  tx.nonce = nonce;
  tx.body = std::move(body);
  chain::SignTx(tx, key);
  auto r = rpc::Call(rpc, "tx_submit", nlohmann::json::array({ToHex(chain::EncodeTx(tx))}));
  if (!r.ok())
    return Status(r.status().code(), "--rpc " + rpc + ": tx_submit: " + r.status().message());
  return r->value("hash", std::string());
}

// A CA transaction: sender "ca", which has no account, so its nonce is not sequenced (1 is as good
// as any).
Result<std::string> SubmitAsCa(const std::string& rpc, const crypto::CaStore& store,
                               chain::TxBody body) {
  return SubmitSigned(rpc, "ca", 1, std::move(body), store.key());
}

// C-3.6: gives the account the certificate names (its subject) this certificate on the ledger, in
// place of the one the ledger holds now (state_getAccount's certificate_hash).
Status Recertify(const CaOptions& opt) {
  V2V_ASSIGN_OR_RETURN(crypto::CaStore store, OpenCa(opt.ca));
  V2V_ASSIGN_OR_RETURN(crypto::CertInfo info, ReadIssuedCert(opt, store));
  auto account = rpc::Call(opt.rpc, "state_getAccount", nlohmann::json::array({info.subject}));
  if (!account.ok()) {
    return Status(account.status().code(),
                  "--rpc " + opt.rpc + ": state_getAccount: " + account.status().message());
  }
  const std::string held = account->value("certificate_hash", std::string());
  const Hash32 cert_hash = crypto::Sha256(info.der);
  if (held == cert_hash.Hex()) {
    std::cout << "'" << info.subject << "' already holds certificate " << held << "\n";
    return Status::Ok();
  }
  const std::optional<Bytes> replaces = FromHex(held);
  if (!replaces || replaces->size() != 32) {
    return Status::Internal("--rpc " + opt.rpc + ": state_getAccount gave no certificate_hash");
  }
  chain::Recertify body{info.subject, {}, info.der};
  std::copy(replaces->begin(), replaces->end(), body.replaces.bytes.begin());
  V2V_ASSIGN_OR_RETURN(std::string hash, SubmitAsCa(opt.rpc, store, std::move(body)));
  std::cout << "submitted Recertify " << hash << ": '" << info.subject << "' gets certificate "
            << cert_hash.Hex() << " (serial " << info.serial << ") in place of " << held << "\n";
  return Status::Ok();
}

// C-3.3: the holder of a certificate opens its ledger account (a Register signed by its own key,
// nonce 1), e.g. an RSU added after the genesis before its first round. Needs no CA key.
Status RegisterHolder(const CaOptions& opt) {
  V2V_ASSIGN_OR_RETURN(Bytes der, ReadCertDer(opt));
  auto info = crypto::ParseCertificateDer(der);
  if (!info.ok())
    return Status::InvalidArgument("--cert " + opt.cert + ": " + info.status().message());
  V2V_ASSIGN_OR_RETURN(std::string key_pem, ReadText("--key", opt.key));
  auto key = crypto::PrivateKey::FromPem(key_pem);
  if (!key.ok()) return Status::InvalidArgument("--key " + opt.key + ": " + key.status().message());
  if (key->public_key() != info->public_key) {
    return Status::InvalidArgument("--key " + opt.key + ": not the key --cert certifies");
  }
  auto known = rpc::Call(opt.rpc, "state_getAccount", nlohmann::json::array({info->subject}));
  if (known.ok()) {
    std::cout << "'" << info->subject << "' is already registered\n";
    return Status::Ok();
  }
  if (known.status().code() != StatusCode::kNotFound) {
    return Status(known.status().code(),
                  "--rpc " + opt.rpc + ": state_getAccount: " + known.status().message());
  }
  V2V_ASSIGN_OR_RETURN(
      std::string hash,
      SubmitSigned(opt.rpc, info->subject, 1, chain::Register{info->role, std::move(der)}, *key));
  std::cout << "submitted Register " << hash << " of '" << info->subject << "' ("
            << crypto::RoleName(info->role) << ")\n";
  return Status::Ok();
}

Status Revoke(const CaOptions& opt) {
  V2V_ASSIGN_OR_RETURN(crypto::CaStore store, OpenCa(opt.ca));
  V2V_ASSIGN_OR_RETURN(crypto::CertInfo info, ReadIssuedCert(opt, store));
  const Bytes& der = info.der;  // as given
  V2V_ASSIGN_OR_RETURN(bool newly, store.Revoke(der, NowUnix()));
  std::cout << (newly ? "revoked " : "already revoked: ") << info.serial << " ('" << info.subject
            << "'); run `v2v ca crl` to publish\n";
  if (opt.rpc.empty()) return Status::Ok();
  // The ledger's own revocation (C-3.5): a Revoke transaction signed with the CA key.
  const std::string cert_hash = crypto::Sha256(der).Hex();
  auto known = rpc::Call(opt.rpc, "state_isRevoked", nlohmann::json::array({cert_hash}));
  if (!known.ok())
    return Status(known.status().code(), "--rpc " + opt.rpc + ": " + known.status().message());
  if (known->value("revoked", false)) {
    std::cout << "already revoked on the ledger: certificate " << cert_hash << "\n";
    return Status::Ok();
  }
  V2V_ASSIGN_OR_RETURN(std::string hash,
                       SubmitAsCa(opt.rpc, store, chain::Revoke{crypto::Sha256(der)}));
  std::cout << "submitted on-chain Revoke " << hash << " of certificate " << cert_hash << " to "
            << opt.rpc << "\n";
  return Status::Ok();
}

Status WriteCrl(const CaOptions& opt) {
  V2V_ASSIGN_OR_RETURN(crypto::CaStore store, OpenCa(opt.ca));
  const int64_t now = NowUnix();
  V2V_ASSIGN_OR_RETURN(Bytes der, store.GenerateCrl(now, opt.days));
  V2V_ASSIGN_OR_RETURN(crypto::CrlInfo info, crypto::ParseCrlDer(der, store.ca().der));
  V2V_RETURN_IF_ERROR(WriteText(opt.out, crypto::CrlDerToPem(der)));
  std::cout << "wrote CRL number " << info.number << " with " << info.revoked.size()
            << " revoked certificate(s) to " << opt.out << ", next update "
            << base::FormatUtc(info.next_update) << "\n";
  return Status::Ok();
}

template <typename F>
void Bind(CLI::App* cmd, const char* name, std::shared_ptr<CaOptions> opt, int* exit_code, F run) {
  cmd->callback([name, opt, exit_code, run] {
    const Status s = run(*opt);
    *exit_code = s.ok() ? 0 : CaFail(name, s);
  });
}

}  // namespace

void AddCaCommand(CLI::App& app, int* exit_code) {
  CLI::App* ca = app.add_subcommand(
      "ca", "Certificate authority: keys and X.509 certificates for vehicles and RSUs");
  ca->require_subcommand(1);

  auto init = std::make_shared<CaOptions>();
  init->subject = "v2vtrade CA";
  init->days = 3650;
  CLI::App* cmd = ca->add_subcommand(
      "init", "Create a CA: DIR/ca.pem (certificate) and DIR/ca.key (mode 0600)");
  cmd->add_option("--out,-o", init->out, "New CA directory (must not exist or be empty)")
      ->required();
  cmd->add_option("--subject", init->subject, "CA name (certificate CN)")->capture_default_str();
  cmd->add_option("--days", init->days, "Validity in days")->capture_default_str();
  cmd->callback([init, exit_code] { *exit_code = RunInit(*init); });

  auto issue = std::make_shared<CaOptions>();
  issue->days = 365;
  cmd = ca->add_subcommand(
      "issue", "Issue a vehicle or RSU certificate with a fresh key: DIR2/cert.pem, DIR2/key.pem");
  cmd->add_option("--ca", issue->ca, "CA directory (from `v2v ca init`)")->required();
  cmd->add_option("--subject", issue->subject, "Licence plate or RSU id (certificate CN)")
      ->required();
  cmd->add_option("--role", issue->role, "vehicle or rsu")->required();
  cmd->add_option("--days", issue->days, "Validity in days")->capture_default_str();
  cmd->add_option("--out,-o", issue->out, "Output directory (must not exist or be empty)")
      ->required();
  Bind(cmd, "issue", issue, exit_code, Issue);

  auto renew = std::make_shared<CaOptions>();
  renew->days = 365;
  cmd = ca->add_subcommand("renew",
                           "Issue a new certificate for the subject, role and key of one this CA "
                           "issued (the key is kept): DIR2/cert.pem");
  cmd->add_option("--ca", renew->ca, "CA directory")->required();
  cmd->add_option("--cert", renew->cert, "The certificate to renew (PEM or DER)")->required();
  cmd->add_option("--days", renew->days, "Validity in days")->capture_default_str();
  cmd->add_option("--out,-o", renew->out, "Output directory (must not exist or be empty)")
      ->required();
  Bind(cmd, "renew", renew, exit_code, Renew);

  auto recertify = std::make_shared<CaOptions>();
  cmd = ca->add_subcommand("recertify",
                           "Give the ledger account this certificate names the certificate, in "
                           "place of the one it holds (a Recertify signed by the CA key)");
  cmd->add_option("--ca", recertify->ca, "CA directory")->required();
  cmd->add_option("--cert", recertify->cert, "The new certificate (PEM or DER)")->required();
  cmd->add_option("--rpc", recertify->rpc, "A node's JSON-RPC address (http://host:port/)")
      ->required();
  Bind(cmd, "recertify", recertify, exit_code, Recertify);

  auto reg = std::make_shared<CaOptions>();
  cmd = ca->add_subcommand("register",
                           "Open the ledger account a certificate names: a Register signed by "
                           "the holder's key (an RSU added after the genesis)");
  cmd->add_option("--cert", reg->cert, "The certificate (PEM or DER)")->required();
  cmd->add_option("--key", reg->key, "The holder's private key (PEM)")->required();
  cmd->add_option("--rpc", reg->rpc, "A node's JSON-RPC address (http://host:port/)")->required();
  Bind(cmd, "register", reg, exit_code, RegisterHolder);

  auto revoke = std::make_shared<CaOptions>();
  cmd = ca->add_subcommand("revoke",
                           "Revoke a certificate this CA issued (publish with `v2v ca crl`)");
  cmd->add_option("--ca", revoke->ca, "CA directory")->required();
  cmd->add_option("--cert", revoke->cert, "Certificate file (PEM or DER)")->required();
  cmd->add_option("--rpc", revoke->rpc,
                  "Also revoke it on the ledger: submit a Revoke signed by the CA key to this node "
                  "(http://host:port/)");
  Bind(cmd, "revoke", revoke, exit_code, Revoke);

  auto crl = std::make_shared<CaOptions>();
  crl->days = 30;
  cmd = ca->add_subcommand("crl", "Write the CA's signed certificate revocation list (PEM)");
  cmd->add_option("--ca", crl->ca, "CA directory")->required();
  cmd->add_option("--out,-o", crl->out, "CRL file to write (replaced)")->required();
  cmd->add_option("--days", crl->days, "Days until nextUpdate")->capture_default_str();
  Bind(cmd, "crl", crl, exit_code, WriteCrl);
}

}  // namespace v2v::cli
