// Cross-tool tests of `v2v ca`: what the built CLI issues must pass the `openssl verify`
// command, fail it once revoked and published in a CRL, and keep private keys at mode 0600.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "crypto/ca_trust.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "testing/shell.h"

namespace {

namespace fs = std::filesystem;

using CmdResult = v2v::testing::CommandResult;
using v2v::testing::Slurp;

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

class CaCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("v2v_ca_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CmdResult Sh(const std::string& cmd) const { return v2v::testing::RunCommand(cmd, dir_); }
  CmdResult V2v(const std::string& args) const { return Sh(std::string(V2V_CLI) + " " + args); }
  CmdResult Openssl(const std::string& args) const {
    return Sh(std::string(OPENSSL_CLI) + " " + args);
  }

  void ExpectBadInput(const CmdResult& r, const std::string& needle) const {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  }

  fs::path dir_;
};

TEST_F(CaCliTest, IssuedCertificatesPassOpensslVerifyUntilRevoked) {
  ASSERT_EQ(V2v("ca init --out ca").exit_code, 0);
  EXPECT_EQ(Mode(dir_ / "ca" / "ca.key"), 0600u);
  ASSERT_EQ(
      V2v("ca issue --ca ca --subject AB-123-CD --role vehicle --days 30 --out car").exit_code, 0);
  ASSERT_EQ(V2v("ca issue --ca ca --subject RSU-7 --role rsu --days 30 --out rsu").exit_code, 0);
  EXPECT_EQ(Mode(dir_ / "car" / "key.pem"), 0600u);
  EXPECT_EQ(Mode(dir_ / "rsu" / "key.pem"), 0600u);

  CmdResult v = Openssl("verify -CAfile ca/ca.pem car/cert.pem rsu/cert.pem");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("car/cert.pem: OK"), std::string::npos) << v.out;

  // openssl checks the role too, through the policy OID.
  const std::string rsu_policy = "-policy_check -explicit_policy -policy " +
                                 std::string(v2v::crypto::kRsuPolicyOid) + " -CAfile ca/ca.pem ";
  EXPECT_EQ(Openssl("verify " + rsu_policy + "rsu/cert.pem").exit_code, 0);
  EXPECT_NE(Openssl("verify " + rsu_policy + "car/cert.pem").exit_code, 0);
  EXPECT_EQ(
      Openssl("verify -x509_strict -purpose sslclient -CAfile ca/ca.pem rsu/cert.pem").exit_code,
      0);

  // An empty CRL: still valid with -crl_check.
  ASSERT_EQ(V2v("ca crl --ca ca --out crl.pem").exit_code, 0);
  v = Openssl("verify -crl_check -CRLfile crl.pem -CAfile ca/ca.pem car/cert.pem");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  ASSERT_EQ(V2v("ca revoke --ca ca --cert car/cert.pem").exit_code, 0);
  ASSERT_EQ(V2v("ca crl --ca ca --out crl.pem").exit_code, 0);
  v = Openssl("verify -crl_check -CRLfile crl.pem -CAfile ca/ca.pem car/cert.pem");
  EXPECT_NE(v.exit_code, 0) << v.out;
  EXPECT_NE((v.out + v.err).find("certificate revoked"), std::string::npos) << v.out << v.err;
  v = Openssl("verify -crl_check -CRLfile crl.pem -CAfile ca/ca.pem rsu/cert.pem");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(Openssl("crl -in crl.pem -CAfile ca/ca.pem -noout").exit_code, 0);
}

TEST_F(CaCliTest, LibraryAgreesWithOpenssl) {
  ASSERT_EQ(V2v("ca init --out ca").exit_code, 0);
  ASSERT_EQ(V2v("ca issue --ca ca --subject AB-123-CD --role vehicle --out car").exit_code, 0);
  ASSERT_EQ(V2v("ca revoke --ca ca --cert car/cert.pem").exit_code, 0);
  ASSERT_EQ(V2v("ca crl --ca ca --out crl.pem").exit_code, 0);
  auto ca = v2v::crypto::CertificatePemToDer(Slurp(dir_ / "ca" / "ca.pem"));
  auto crl = v2v::crypto::CrlPemToDer(Slurp(dir_ / "crl.pem"));
  auto cert = v2v::crypto::CertificatePemToDer(Slurp(dir_ / "car" / "cert.pem"));
  ASSERT_TRUE(ca.ok() && crl.ok() && cert.ok());
  auto info = v2v::crypto::ParseCertificateDer(*cert);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->subject, "AB-123-CD");
  EXPECT_EQ(info->role, v2v::crypto::Role::kVehicle);
  auto without_crl = v2v::crypto::CaTrust::Create(*ca);
  ASSERT_TRUE(without_crl.ok());
  EXPECT_TRUE(v2v::crypto::VerifyCertificate(*cert, *without_crl, info->not_before,
                                             v2v::crypto::Role::kVehicle)
                  .ok());
  auto trust = v2v::crypto::CaTrust::Create(*ca, *crl);
  ASSERT_TRUE(trust.ok()) << trust.status().ToString();
  EXPECT_EQ(v2v::crypto::CertErrorOf(
                v2v::crypto::VerifyCertificate(*cert, *trust, info->not_before).status()),
            v2v::crypto::CertError::kRevoked);

  // openssl reads the role where people look for it, and the key pair matches the certificate.
  CmdResult text = Openssl("x509 -in car/cert.pem -noout -text");
  EXPECT_NE(text.out.find("OU = vehicle"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(std::string(v2v::crypto::kVehiclePolicyOid)), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("CA:FALSE"), std::string::npos) << text.out;
  CmdResult cert_pub = Openssl("x509 -in car/cert.pem -noout -pubkey");
  CmdResult key_pub = Openssl("pkey -in car/key.pem -pubout");
  EXPECT_EQ(cert_pub.exit_code, 0);
  EXPECT_EQ(cert_pub.out, key_pub.out);
}

TEST_F(CaCliTest, CertificateOfAnotherCaFailsOpensslVerify) {
  ASSERT_EQ(V2v("ca init --out ca1").exit_code, 0);
  ASSERT_EQ(V2v("ca init --out ca2").exit_code, 0);
  ASSERT_EQ(V2v("ca issue --ca ca2 --subject AB-1 --role vehicle --out car").exit_code, 0);
  EXPECT_NE(Openssl("verify -CAfile ca1/ca.pem car/cert.pem").exit_code, 0);
  ExpectBadInput(V2v("ca revoke --ca ca1 --cert car/cert.pem"), "BadSignature");
}

TEST_F(CaCliTest, BadInputExitsTwoWithOneLine) {
  ASSERT_EQ(V2v("ca init --out ca").exit_code, 0);
  ExpectBadInput(V2v("ca init --out ca"), "refusing to overwrite");
  ExpectBadInput(V2v("ca issue --ca ca --subject AB-1 --role truck --out car"), "--role truck");
  ExpectBadInput(V2v("ca issue --ca missing --subject AB-1 --role rsu --out car"), "--ca missing");
  ExpectBadInput(V2v("ca issue --ca ca --subject 'A/B' --role rsu --out car"), "--subject");
  ExpectBadInput(V2v("ca issue --ca ca --subject AB-1 --role rsu --days 0 --out car"), "days");
  ASSERT_EQ(V2v("ca issue --ca ca --subject AB-1 --role rsu --out car").exit_code, 0);
  ExpectBadInput(V2v("ca issue --ca ca --subject AB-2 --role rsu --out car"), "not empty");
  ExpectBadInput(V2v("ca revoke --ca ca --cert nofile.pem"), "nofile.pem");
  ExpectBadInput(V2v("ca crl --ca missing --out crl.pem"), "--ca missing");
  // A CA whose key others can read is refused.
  fs::permissions(dir_ / "ca" / "ca.key", fs::perms::group_read, fs::perm_options::add);
  ExpectBadInput(V2v("ca crl --ca ca --out crl.pem"), "chmod 600");
  EXPECT_FALSE(fs::exists(dir_ / "crl.pem"));
}

}  // namespace
