#include "smart_router/http/response_head_parser.hpp"

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <cstring>

namespace smart_router::http {

void ResponseHeadParser::on_response_impl(int code, string_view reason, int /*version*/,
                                          error_code& ec) {
  // Beast takes any three digits; "000".."099" would be taken for an interim response and
  // rendered to the client as a status line that does not parse (found by fuzzing).
  if (code < 100) {
    ec = boost::beast::http::error::bad_status;
    return;
  }
  status_ = static_cast<unsigned>(code);
  reason_.assign(reason.data(), reason.size());
  ec = {};
}

void ResponseHeadParser::on_field_impl(boost::beast::http::field id, string_view name,
                                       string_view value, error_code& ec) {
  fields_.add(id, {name.data(), name.size()}, {value.data(), value.size()});
  ec = {};
}

std::size_t ResponseHeadParser::on_body_impl(string_view body, error_code& ec) {
  if (body_.data == nullptr) {
    ec = boost::beast::http::error::need_buffer;
    return 0;
  }
  const std::size_t n = std::min(body.size(), body_.size);
  if (n > 0) std::memcpy(body_.data, body.data(), n);
  body_.data = static_cast<char*>(body_.data) + n;
  body_.size -= n;
  if (n == body.size())
    ec = {};
  else
    ec = boost::beast::http::error::need_buffer;
  return n;
}

}  // namespace smart_router::http
