#include "smart_router/app/port_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;
using smart_router::app::port_file_text;
using smart_router::app::write_file_atomically;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(PortFileText, ListenOnly) {
  EXPECT_EQ(port_file_text(tcp::endpoint(make_address("127.0.0.1"), 40123), std::nullopt),
            "listen=127.0.0.1:40123\n");
}

TEST(PortFileText, ListenAndAdminWithIpv6InBrackets) {
  EXPECT_EQ(port_file_text(tcp::endpoint(make_address("0.0.0.0"), 8080),
                           tcp::endpoint(make_address("::1"), 9901)),
            "listen=0.0.0.0:8080\nadmin=[::1]:9901\n");
}

class WriteFileAtomically : public ::testing::Test {
 protected:
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("port-file-test-" + std::to_string(::getpid()));
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }
};

TEST_F(WriteFileAtomically, ReplacesTheFileWholeAndLeavesNoTemporary) {
  const auto path = dir / "router.port";
  { std::ofstream(path) << "listen=127.0.0.1:1\nstale line\n"; }
  write_file_atomically(path.string(), "listen=127.0.0.1:2\n");
  EXPECT_EQ(slurp(path), "listen=127.0.0.1:2\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(WriteFileAtomically, UnwritableDirectoryThrowsWithThePath) {
  const auto path = dir / "missing" / "router.port";
  try {
    write_file_atomically(path.string(), "x");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

}  // namespace
