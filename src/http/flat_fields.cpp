#include "smart_router/http/flat_fields.hpp"

namespace smart_router::http {

void FlatFields::add(boost::beast::http::field id, std::string_view name, std::string_view value) {
  const auto name_at = static_cast<std::uint32_t>(text_.size());
  text_ += name;
  const auto value_at = static_cast<std::uint32_t>(text_.size());
  text_ += value;
  entries_.push_back({id, name_at, static_cast<std::uint32_t>(name.size()), value_at,
                      static_cast<std::uint32_t>(value.size())});
}

void FlatFields::insert(std::string_view name, std::string_view value) {
  add(boost::beast::http::string_to_field({name.data(), name.size()}), name, value);
}

std::optional<std::string_view> FlatFields::find(boost::beast::http::field id) const {
  for (const auto& e : entries_)
    if (e.id == id) return std::string_view(text_).substr(e.value_at, e.value_len);
  return std::nullopt;
}

}  // namespace smart_router::http
