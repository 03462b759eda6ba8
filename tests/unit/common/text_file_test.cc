// ReadTextFile: whole small files, each failure a distinct code (the loaders word their own
// messages from it).
#include "titip/common/text_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace titip {
namespace {

class TextFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("titip-text-file-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::filesystem::path dir_;
};

TEST_F(TextFileTest, ReadsTheBytesWhole) {
  std::string text("a\r\nb\0c\n", 7);
  text += std::string(3, '\0');
  auto r = ReadTextFile(Write("t", text), 1 << 20);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, text);
  auto empty = ReadTextFile(Write("e", ""), 1 << 20);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST_F(TextFileTest, MissingIsNotFoundAndNamesThePath) {
  auto r = ReadTextFile((dir_ / "nope").string(), 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_NE(r.status().message().find("nope"), std::string::npos);
}

TEST_F(TextFileTest, LargerThanTheLimitIsInvalid) {
  std::string path = Write("big", std::string((2 << 20) + 1, 'x'));
  auto r = ReadTextFile(path, 2 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("larger than 2 MiB"), std::string::npos);
  EXPECT_TRUE(ReadTextFile(path, 3 << 20).ok());
}

}  // namespace
}  // namespace titip
