#include "file_io.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace smart_router::config {

namespace {
bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
}  // namespace

std::optional<std::string> read_whole_file(const std::string& path, std::string* why) {
  if (is_directory(path)) {
    *why = std::strerror(EISDIR);
    return std::nullopt;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = std::strerror(errno != 0 ? errno : ENOENT);
    return std::nullopt;
  }
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    *why = std::strerror(errno != 0 ? errno : EIO);
    return std::nullopt;
  }
  return text;
}

bool file_readable(const std::string& path, std::string* why) {
  if (is_directory(path)) {
    *why = std::strerror(EISDIR);
    return false;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = std::strerror(errno != 0 ? errno : ENOENT);
    return false;
  }
  return true;
}

}  // namespace smart_router::config
