// Small string helpers for the config module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smart_router::config {

std::string to_upper(std::string_view s);
void upper_all(std::vector<std::string>& v);
bool iequals(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);
// `"s"` with quotes and backslashes escaped, for messages.
std::string quote(std::string_view s);
// "a, b, c"
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");
std::string join(const std::vector<std::string_view>& items, std::string_view sep = ", ");
// RFC 9110 token (header names, methods).
bool is_http_token(std::string_view s);

}  // namespace smart_router::config
