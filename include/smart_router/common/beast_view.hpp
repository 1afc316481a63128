// Beast's string_view (boost::core::basic_string_view) as a std::string_view.
#pragma once

#include <boost/core/detail/string_view.hpp>
#include <string_view>

namespace smart_router {

inline std::string_view sv(boost::core::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace smart_router
