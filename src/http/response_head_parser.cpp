#include "smart_router/http/response_head_parser.hpp"

#include <boost/beast/http/error.hpp>

#include "smart_router/http/simple_response_head.hpp"

namespace smart_router::http {

bool ResponseHeadParser::take_simple_head(boost::beast::flat_buffer& buffer) {
  if (simple_) return true;
  if (got_some() || buffer.size() == 0) return false;
  std::string_view bytes(static_cast<const char*>(buffer.data().data()), buffer.size());
  bytes = bytes.substr(0, header_limit_);  // a longer head is Beast's to refuse
  const auto head = parse_simple_response_head(bytes, fields_);
  if (!head) return false;
  if (body_limit_ && head->content_length > *body_limit_) {
    fields_.clear();  // Beast's parse of the same head refuses it (body_limit)
    return false;
  }
  simple_ = true;
  status_ = head->status;
  reason_.assign(head->reason.data(), head->reason.size());
  simple_length_ = head->content_length;
  length_body_.start(skip_body_ ? 0 : head->content_length);
  buffer.consume(head->head_size);
  return true;
}

void ResponseHeadParser::on_response_impl(int code, string_view reason, int /*version*/,
                                          error_code& ec) {
  ec = {};
  // Beast takes any three digits; "000".."099" would be taken for an interim response and
  // rendered to the client as a status line that does not parse (found by fuzzing).
  if (code < 100) {
    ec = boost::beast::http::error::bad_status;
    return;
  }
  status_ = static_cast<unsigned>(code);
  reason_.assign(reason.data(), reason.size());
}

void ResponseHeadParser::on_field_impl(boost::beast::http::field id, string_view name,
                                       string_view value, error_code& ec) {
  fields_.add(id, {name.data(), name.size()}, {value.data(), value.size()});
  ec = {};
}

void ResponseHeadParser::on_header_impl(error_code& ec) {
  // RFC 9112 6.3: with both, Transfer-Encoding overrides Content-Length, and such a message
  // "ought to be handled as an error" (response splitting). Beast refuses it when the coding
  // ends in chunked; any other coding with a length is as bad (HAProxy: 502 either way).
  ec = fields_.contains(boost::beast::http::field::transfer_encoding) &&
               fields_.contains(boost::beast::http::field::content_length)
           ? boost::beast::http::error::bad_transfer_encoding
           : error_code{};
}

std::size_t ResponseHeadParser::on_body_impl(string_view body, error_code& ec) {
  return fill_window(body_, body.data(), body.size(), ec);
}

}  // namespace smart_router::http
