// Parses an upstream's response with Beast's parser, keeping the head in FlatFields (reused,
// no per-field allocation) and handing body bytes to a caller-provided window, as
// buffer_body does: the relay points the window at its buffer before each read.
//
// A head of the common shape (simple_response_head.hpp) it takes itself, in a fifth of Beast's
// instructions: then Beast's parser is never used and the body, Content-Length framed, is
// counted by length_body(). The framing queries below answer for both.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <cassert>
#include <string>
#include <string_view>

#include "smart_router/http/flat_fields.hpp"
#include "smart_router/http/length_body.hpp"

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

  // When `buffer` starts with a whole head of the common shape and nothing has been parsed
  // yet: takes it (status, reason, fields) and consumes it from `buffer`; its body is then
  // length_body()'s to read. false: Beast's parser is to read the bytes (read_header_now
  // offers them here first). A head over header_limit or a length over body_limit is left to
  // Beast, which refuses it. Called again once it has taken the head: true, nothing to do.
  bool take_simple_head(boost::beast::flat_buffer& buffer);
  bool simple() const { return simple_; }
  LengthBody& length_body() { return length_body_; }

  // Beast's settings, remembered for take_simple_head (they hide basic_parser's).
  void header_limit(std::uint32_t v) {
    header_limit_ = v;
    basic_parser::header_limit(v);
  }
  void body_limit(boost::optional<std::uint64_t> v) {
    body_limit_ = v;
    basic_parser::body_limit(v);
  }
  void skip(bool v) {
    assert(!simple_);  // set before the head is parsed, as Beast requires
    skip_body_ = v;
    basic_parser::skip(v);
  }

  // Beast's framing queries, answered for a simple head too (they hide basic_parser's; in
  // simple mode the base parser has parsed nothing, so only these may be asked).
  bool is_header_done() const { return simple_ || basic_parser::is_header_done(); }
  bool is_done() const { return simple_ ? length_body_.is_done() : basic_parser::is_done(); }
  bool chunked() const { return !simple_ && basic_parser::chunked(); }
  bool keep_alive() const { return simple_ || basic_parser::keep_alive(); }
  boost::optional<std::uint64_t> content_length() const {
    return simple_ ? boost::optional<std::uint64_t>(simple_length_)
                   : basic_parser::content_length();
  }
  boost::optional<std::uint64_t> content_length_remaining() const {
    return simple_ ? length_body_.content_length_remaining()
                   : basic_parser::content_length_remaining();
  }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field id, string_view name, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
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
  bool simple_ = false;                // take_simple_head took the head
  bool skip_body_ = false;             // an answer to HEAD: no body, whatever its length says
  std::uint32_t header_limit_ = 8192;  // Beast's defaults
  boost::optional<std::uint64_t> body_limit_ = std::uint64_t{8} * 1024 * 1024;  // for a response
  std::uint64_t simple_length_ = 0;
  LengthBody length_body_;
  unsigned status_ = 0;
  std::string reason_;
  boost::beast::http::buffer_body::value_type body_;
};

}  // namespace smart_router::http
