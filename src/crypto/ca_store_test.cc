#include "crypto/ca_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "crypto/internal/cert_test_util.h"

namespace v2v::crypto {
namespace {

namespace fs = std::filesystem;
using testing::ExpectCertError;
using testing::kDay;
using testing::kT0;

class CaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("v2v_ca_store_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    dir_ = (root_ / "ca").string();
  }
  void TearDown() override { fs::remove_all(root_); }

  static unsigned Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }

  fs::path root_;
  std::string dir_;
};

TEST_F(CaStoreTest, InitWritesTheDirectory) {
  auto store = CaStore::Init(dir_, "Test CA", kT0, 3650);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(store->ca().name, "Test CA");
  EXPECT_EQ(store->ca().not_before, kT0);
  EXPECT_EQ(store->ca().not_after, kT0 + 3650 * kDay);
  EXPECT_EQ(Mode(dir_ + "/ca.key"), 0600u);
  EXPECT_EQ(Mode(dir_), 0700u);
  EXPECT_TRUE(fs::exists(dir_ + "/ca.pem"));
  auto reopened = CaStore::Open(dir_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(reopened->ca().der, store->ca().der);
}

TEST_F(CaStoreTest, RefusesToOverwriteACa) {
  ASSERT_TRUE(CaStore::Init(dir_, "Test CA", kT0, 3650).ok());
  EXPECT_EQ(CaStore::Init(dir_, "Test CA", kT0, 3650).status().code(),
            StatusCode::kFailedPrecondition);
  const std::string file = (root_ / "file").string();
  std::ofstream(file) << "x";
  EXPECT_EQ(CaStore::Init(file, "Test CA", kT0, 3650).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(CaStore::Init((root_ / "x").string(), "A,B", kT0, 3650).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CaStore::Init((root_ / "y").string(), "CA", kT0, 0).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(CaStoreTest, OpenRefusesBrokenDirectories) {
  EXPECT_EQ(CaStore::Open((root_ / "missing").string()).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(CaStore::Init(dir_, "Test CA", kT0, 3650).ok());
  ::chmod((dir_ + "/ca.key").c_str(), 0644);
  EXPECT_EQ(CaStore::Open(dir_).status().code(), StatusCode::kFailedPrecondition);
  ::chmod((dir_ + "/ca.key").c_str(), 0600);
  // Another CA's key.
  const std::string other = (root_ / "other").string();
  ASSERT_TRUE(CaStore::Init(other, "Other CA", kT0, 3650).ok());
  fs::copy_file(other + "/ca.key", dir_ + "/ca.key", fs::copy_options::overwrite_existing);
  auto s = CaStore::Open(dir_).status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("does not belong"), std::string::npos) << s.ToString();
}

TEST_F(CaStoreTest, IssueRevokeCrl) {
  auto store = CaStore::Init(dir_, "Test CA", kT0, 3650);
  ASSERT_TRUE(store.ok());
  auto a = store->Issue("AB-123-CD", Role::kVehicle, testing::KeyFromSeed(7).public_key(),
                        kT0 + kDay, 365);
  auto b = store->Issue("RSU-7", Role::kRsu, testing::KeyFromSeed(8).public_key(), kT0 + kDay, 365);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().ToString() << b.status().ToString();
  auto a_info = ParseCertificateDer(*a);
  ASSERT_TRUE(a_info.ok());
  EXPECT_EQ(a_info->not_before, kT0 + kDay);
  EXPECT_EQ(a_info->not_after, kT0 + 366 * kDay);
  EXPECT_EQ(store->IssuedSerials()->size(), 2u);

  auto revoked = store->Revoke(*a, kT0 + 2 * kDay);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_TRUE(*revoked);
  auto again = store->Revoke(*a, kT0 + 3 * kDay);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  ASSERT_EQ(store->RevokedList()->size(), 1u);
  EXPECT_EQ((*store->RevokedList())[0].revoked_at, kT0 + 2 * kDay);

  auto crl1 = store->GenerateCrl(kT0 + 3 * kDay, 7);
  auto crl2 = store->GenerateCrl(kT0 + 4 * kDay, 7);
  ASSERT_TRUE(crl1.ok() && crl2.ok()) << crl1.status().ToString();
  auto trust = CaTrust::Create(store->ca().der, *crl2);
  ASSERT_TRUE(trust.ok()) << trust.status().ToString();
  EXPECT_EQ(trust->crl()->number, 2u);
  EXPECT_EQ(trust->crl()->next_update, kT0 + 11 * kDay);
  ExpectCertError(VerifyCertificate(*a, *trust, kT0 + 5 * kDay).status(), CertError::kRevoked);
  EXPECT_TRUE(VerifyCertificate(*b, *trust, kT0 + 5 * kDay, Role::kRsu).ok());
}

TEST_F(CaStoreTest, RefusesBadIssueAndForeignRevoke) {
  auto store = CaStore::Init(dir_, "Test CA", kT0, 100);
  ASSERT_TRUE(store.ok());
  const PublicKey key = testing::KeyFromSeed(7).public_key();
  EXPECT_EQ(store->Issue("AB", Role::kVehicle, key, kT0, 101).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(store->Issue("AB", Role::kVehicle, key, kT0, 100).ok());
  EXPECT_EQ(store->Issue("A/B", Role::kVehicle, key, kT0, 10).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Issue("AB", Role::kVehicle, key, kT0, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Issue("AB", Role::kVehicle, key, kT0 + 101 * kDay, 1).status().code(),
            StatusCode::kFailedPrecondition);
  const auto other = testing::MakeTestCa(2);
  ExpectCertError(
      store->Revoke(testing::IssueTestCert(other, "AB", Role::kVehicle, 7, 1), kT0).status(),
      CertError::kBadSignature);
  EXPECT_TRUE(store->RevokedList()->empty());
}

}  // namespace
}  // namespace v2v::crypto
