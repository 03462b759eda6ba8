// CURVE key files: what keygen writes, and the start-up refusal of a key others can read.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "titip/relay/security.h"

namespace titip::relay {
namespace {

class KeyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/titip-keys-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  static std::string Slurp(const std::string& p) {
    std::ifstream f(p);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  static unsigned Mode(const std::string& p) {
    struct stat st = {};
    EXPECT_EQ(stat(p.c_str(), &st), 0);
    return st.st_mode & 07777;
  }
  std::string dir_;
};

TEST_F(KeyFiles, WritesSecretPrivateAndPublicBeside) {
  auto kp = NewCurveKeypair();
  ASSERT_TRUE(kp.ok()) << kp.status().ToString();
  ASSERT_EQ(kp->public_z85.size(), 40u);
  std::string path = dir_ + "/node.key";
  ASSERT_TRUE(WriteKeypairFiles(path, *kp).ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Slurp(path + ".pub"), kp->public_z85 + "\n");
  EXPECT_EQ(Slurp(path).find(kp->public_z85), std::string::npos);  // only the secret inside
  auto loaded = LoadSecretKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->secret_z85, kp->secret_z85);
  EXPECT_EQ(loaded->public_z85, kp->public_z85);  // derived from the secret
}

TEST_F(KeyFiles, NeverOverwritesAKey) {
  auto a = NewCurveKeypair();
  auto b = NewCurveKeypair();
  ASSERT_TRUE(a.ok() && b.ok());
  std::string path = dir_ + "/node.key";
  ASSERT_TRUE(WriteKeypairFiles(path, *a).ok());
  Status s = WriteKeypairFiles(path, *b);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("already exists"), std::string::npos);
  EXPECT_EQ(LoadSecretKeyFile(path)->secret_z85, a->secret_z85);
  // A stray .pub alone also stops it: the pair must stay a pair.
  std::ofstream(dir_ + "/other.key.pub") << "x\n";
  EXPECT_FALSE(WriteKeypairFiles(dir_ + "/other.key", *b).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/other.key"));
}

TEST_F(KeyFiles, RefusesAKeyGroupOrOthersCanTouch) {
  auto kp = NewCurveKeypair();
  ASSERT_TRUE(kp.ok());
  std::string path = dir_ + "/node.key";
  ASSERT_TRUE(WriteKeypairFiles(path, *kp).ok());
  for (mode_t m : {0644, 0640, 0604, 0660, 0602}) {
    ASSERT_EQ(chmod(path.c_str(), m), 0);
    auto r = LoadSecretKeyFile(path);
    ASSERT_FALSE(r.ok()) << std::oct << m;
    EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
    EXPECT_NE(r.status().message().find("chmod 600 " + path), std::string::npos)
        << r.status().message();
  }
  ASSERT_EQ(chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(LoadSecretKeyFile(path).ok());
}

TEST_F(KeyFiles, RefusesMissingAndMalformedKeys) {
  EXPECT_EQ(LoadSecretKeyFile(dir_ + "/absent").status().code(), Code::kInvalidArgument);
  for (std::string text : {"", "# only a comment\n", "short\n",
                           "0123456789012345678901234567890123456789~\n",  // 41 chars
                           "\x01\x02\x03"}) {
    std::string path = dir_ + "/bad.key";
    std::filesystem::remove(path);
    std::ofstream(path) << text;
    ASSERT_EQ(chmod(path.c_str(), 0600), 0);
    auto r = LoadSecretKeyFile(path);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << text;
  }
  EXPECT_FALSE(LoadSecretKeyFile(dir_).ok());  // a directory is not a key
}

TEST(Z85Keys, RoundTripAndRejectGarbage) {
  auto kp = NewCurveKeypair();
  ASSERT_TRUE(kp.ok());
  std::string raw = DecodeZ85Key(kp->public_z85);
  ASSERT_EQ(raw.size(), 32u);
  EXPECT_EQ(EncodeZ85Key(raw), kp->public_z85);
  EXPECT_TRUE(DecodeZ85Key("").empty());
  EXPECT_TRUE(DecodeZ85Key(std::string(40, '~')).empty());
  EXPECT_TRUE(DecodeZ85Key(kp->public_z85 + "0").empty());
  EXPECT_TRUE(EncodeZ85Key("short").empty());
}

}  // namespace
}  // namespace titip::relay
