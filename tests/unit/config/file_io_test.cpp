#include "config/file_io.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "config_test_support.hpp"

namespace smart_router::config {
namespace {

TEST(FileIoTest, ReadsWholeFile) {
  test::TempFile f("a: 1\nb: 2\n");
  std::string why;
  auto text = read_whole_file(f.path(), &why);
  ASSERT_TRUE(text) << why;
  EXPECT_EQ(*text, "a: 1\nb: 2\n");
  EXPECT_TRUE(file_readable(f.path(), &why));
}

TEST(FileIoTest, MissingFileGivesStrerror) {
  std::string why;
  EXPECT_FALSE(read_whole_file("/nonexistent/sr/config.yaml", &why));
  EXPECT_EQ(why, "No such file or directory");
  why.clear();
  EXPECT_FALSE(file_readable("/nonexistent/sr/key.pem", &why));
  EXPECT_EQ(why, "No such file or directory");
}

TEST(FileIoTest, DirectoryIsNotAFile) {
  const auto dir = std::filesystem::temp_directory_path().string();
  std::string why;
  EXPECT_FALSE(read_whole_file(dir, &why));
  EXPECT_EQ(why, "Is a directory");
  EXPECT_FALSE(file_readable(dir, &why));
}

}  // namespace
}  // namespace smart_router::config
