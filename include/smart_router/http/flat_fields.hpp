// A message head's fields as parsed: in arrival order, names and values packed into one string
// that keeps its capacity from message to message, so a warm connection parses a head without
// allocating (Beast's fields container allocates and tree-inserts every field).
#pragma once

#include <boost/beast/http/field.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smart_router::http {

class FlatFields {
 public:
  struct Field {
    boost::beast::http::field id;
    std::string_view name;
    std::string_view value;
  };

  class Iterator {
   public:
    Iterator(const FlatFields& f, std::size_t i) : fields_(&f), index_(i) {}
    Field operator*() const { return (*fields_)[index_]; }
    Iterator& operator++() {
      ++index_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return index_ != o.index_; }

   private:
    const FlatFields* fields_;
    std::size_t index_;
  };

  void clear() {
    text_.clear();
    entries_.clear();
  }
  void add(boost::beast::http::field id, std::string_view name, std::string_view value);
  // For a parser with the whole head at hand: the head's bytes copied at once (set_text), and
  // fields that lie in them, at offsets from their start (add_at), not copied one by one.
  void set_text(std::string_view head) { text_.assign(head.data(), head.size()); }
  void add_at(boost::beast::http::field id, std::size_t name_at, std::size_t name_len,
              std::size_t value_at, std::size_t value_len) {
    entries_.push_back({id, static_cast<std::uint32_t>(name_at),
                        static_cast<std::uint32_t>(name_len), static_cast<std::uint32_t>(value_at),
                        static_cast<std::uint32_t>(value_len)});
  }
  // Adds with the field code looked up from the name (tests and hand-built heads).
  void insert(std::string_view name, std::string_view value);

  std::size_t size() const { return entries_.size(); }
  // Bytes of text behind the fields: at least every name and value.
  std::size_t packed_size() const { return text_.size(); }
  Field operator[](std::size_t i) const {
    const auto& e = entries_[i];
    return {e.id, std::string_view(text_).substr(e.name_at, e.name_len),
            std::string_view(text_).substr(e.value_at, e.value_len)};
  }
  Iterator begin() const { return {*this, 0}; }
  Iterator end() const { return {*this, entries_.size()}; }

  // The first value of a known field.
  std::optional<std::string_view> find(boost::beast::http::field id) const;
  bool contains(boost::beast::http::field id) const { return find(id).has_value(); }

 private:
  struct Entry {
    boost::beast::http::field id;
    std::uint32_t name_at;
    std::uint32_t name_len;
    std::uint32_t value_at;
    std::uint32_t value_len;
  };
  std::string text_;
  std::vector<Entry> entries_;
};

}  // namespace smart_router::http
