// Parses an upstream's response with Beast's parser, keeping the head in FlatFields (reused,
// no per-field allocation) and handing body bytes to a caller-provided window, as
// buffer_body does: the relay points the window at its buffer before each read.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <string>
#include <string_view>

#include "smart_router/http/flat_fields.hpp"

namespace smart_router::http {

class ResponseHeadParser final : public boost::beast::http::basic_parser<false> {
 public:
  // `fields` is cleared and receives this response's fields.
  explicit ResponseHeadParser(FlatFields& fields) : fields_(fields) { fields_.clear(); }

  unsigned status() const { return status_; }
  std::string_view reason() const { return reason_; }
  const FlatFields& fields() const { return fields_; }

  // Where the next body bytes go (data == nullptr: the parser stops with need_buffer).
  boost::beast::http::buffer_body::value_type& body() { return body_; }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field id, string_view name, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override { ec = {}; }
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code& ec) override {
    ec = {};
  }
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code& ec) override { ec = {}; }
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override {
    return on_body_impl(body, ec);
  }
  void on_finish_impl(error_code& ec) override { ec = {}; }

  FlatFields& fields_;
  unsigned status_ = 0;
  std::string reason_;
  boost::beast::http::buffer_body::value_type body_;
};

}  // namespace smart_router::http
