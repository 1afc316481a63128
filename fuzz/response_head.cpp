// Fuzz target: an upstream's response head as the forwarder reads it (ResponseHeadParser into
// FlatFields, the input arriving in two reads), then the head rendered for the client. Besides
// memory errors it traps when the rendered head does not parse, or carries a framing field or
// a hop-by-hop field the upstream sent (only the router's own framing may reach the client).
// And it traps when the one-pass parse of the common head shape (simple_response_head.hpp)
// takes a head that Beast's parser refuses or reads otherwise (status, reason, fields, framing).
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smart_router/http/flat_fields.hpp"
#include "smart_router/http/header_rules.hpp"
#include "smart_router/http/response_head_parser.hpp"
#include "smart_router/http/simple_response_head.hpp"

namespace {

namespace http = smart_router::http;
namespace bhttp = boost::beast::http;

bool parse_head(http::ResponseHeadParser& parser, std::string_view in, std::size_t split) {
  boost::system::error_code ec;
  std::size_t consumed = 0;
  std::size_t arrived = split;
  for (;;) {
    consumed += parser.put(boost::asio::buffer(in.data() + consumed, arrived - consumed), ec);
    if (ec != bhttp::error::need_more) break;
    if (arrived == in.size()) return false;
    arrived = in.size();
  }
  return !ec && parser.is_header_done();
}

void check_rendered(const http::ResponseHeadParser& parser) {
  http::ClientResponseHead info;
  info.request_id = "0123456789abcdef";
  info.framing = http::BodyFraming::chunked;
  info.keep_alive = true;
  std::string out;
  http::render_client_response(parser.status(), parser.reason(), parser.fields(), info, out);
  bhttp::response_parser<bhttp::empty_body> again;
  again.header_limit(1 << 20);
  boost::system::error_code ec;
  again.put(boost::asio::buffer(out), ec);
  if (ec == bhttp::error::need_buffer) ec = {};  // the empty body's complaint about a body
  if (ec || !again.is_header_done()) __builtin_trap();
  const auto& h = again.get();
  if (h.count(bhttp::field::transfer_encoding) != 1 || h.count(bhttp::field::content_length) != 0 ||
      h.count(bhttp::field::connection) != 0 || h.count(bhttp::field::keep_alive) != 0 ||
      h.count(bhttp::field::upgrade) != 0 || h.count(bhttp::field::te) != 0 ||
      h.count(bhttp::field::trailer) != 0 || h.count("x-request-id") != 1)
    __builtin_trap();
}

void check_simple_agrees(std::string_view in) {
  http::FlatFields simple_fields;
  const auto simple = http::parse_simple_response_head(in, simple_fields);
  if (!simple) return;
  http::FlatFields fields;
  http::ResponseHeadParser parser(fields);
  parser.header_limit(16384);
  parser.body_limit(boost::none);
  parser.eager(false);
  boost::system::error_code ec;
  const auto used = parser.put(boost::asio::buffer(in.data(), simple->head_size), ec);
  if (ec || used != simple->head_size || !parser.is_header_done() || parser.chunked() ||
      parser.content_length() != simple->content_length || !parser.keep_alive() ||
      parser.status() != simple->status || parser.reason() != simple->reason ||
      fields.size() != simple_fields.size())
    __builtin_trap();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto a = fields[i];
    const auto b = simple_fields[i];
    if (a.id != b.id || a.name != b.name || a.value != b.value) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = std::min<std::size_t>(data[0], in.size());
  http::FlatFields fields;
  http::ResponseHeadParser parser(fields);
  parser.header_limit(16384);
  parser.body_limit(boost::none);
  parser.eager(false);
  if (parse_head(parser, in, split)) check_rendered(parser);
  check_simple_agrees(in);
  return 0;
}
