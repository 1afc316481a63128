// Fuzz target: a client's request head as the router reads it. The strict parser (Beast plus
// the RFC 9112 rules), empty lines skipped as the session does, the input arriving in two
// reads, then target normalisation and the head rendered for the upstream. Besides memory
// errors it traps on a broken promise:
//   - a head accepted with a continuation line (obs-fold, whitespace before a field);
//   - an HTTP/1.1 head accepted without exactly one Host;
//   - a normalised path that is not absolute or still has "//", "/./" or "/../";
//   - a head rendered for the upstream that Beast's plain parser refuses.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smart_router/http/header_rules.hpp"
#include "smart_router/http/path_normalizer.hpp"
#include "smart_router/http/request_parser.hpp"

namespace {

namespace http = smart_router::http;
namespace bhttp = boost::beast::http;

// Feeds `in` as two reads would bring it (the first `split` bytes, then the rest), keeping
// what the parser has not consumed, as the session's buffer does. Returns the bytes consumed.
std::size_t feed(http::RequestParser& parser, std::string_view in, std::size_t split,
                 boost::system::error_code& ec) {
  std::size_t consumed = 0;
  std::size_t arrived = split;
  for (;;) {
    consumed += parser.put(boost::asio::buffer(in.data() + consumed, arrived - consumed), ec);
    if (ec != bhttp::error::need_more) return consumed;
    if (arrived == in.size()) {
      ec = bhttp::error::partial_message;
      return consumed;
    }
    arrived = in.size();
  }
}

void check_normalised(std::string_view target) {
  std::string storage;
  http::TargetView view;
  if (!http::normalize_target(target, storage, view).empty()) return;
  const auto path = view.path;
  if (path.empty() || path.front() != '/') __builtin_trap();
  if (path.find("//") != std::string_view::npos || path.find("/./") != std::string_view::npos ||
      path.find("/../") != std::string_view::npos || path.ends_with("/..") || path.ends_with("/."))
    __builtin_trap();
  if (!view.target.starts_with(path)) __builtin_trap();
}

void check_rendered(const bhttp::request_header<>& head, std::string_view target) {
  http::UpstreamRequestHead info;
  info.target = target;
  info.request_id = "0123456789abcdef";
  info.peer_ip = "10.0.0.1";
  info.proto = "http";
  info.tier_header = "X-User-Tier";
  info.user_tier = "LITE";
  info.budget_ms = 500;
  info.framing = http::BodyFraming::chunked;
  info.upgrade = http::parse_connection(head).upgrade;
  std::string out;
  http::render_upstream_request(head, info, out);
  bhttp::request_parser<bhttp::empty_body> again;
  again.header_limit(1 << 20);
  boost::system::error_code ec;
  again.put(boost::asio::buffer(out), ec);
  if (ec || !again.is_header_done()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t split = data[0] % (size + 1);  // where the first read ends
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::optional<http::RequestParser> parser;
  boost::system::error_code ec;
  std::size_t consumed = 0;
  for (int skips = 0; skips <= 4; ++skips) {  // the session's empty-line skipping
    parser.emplace();
    parser->header_limit(16384);
    parser->body_limit(1 << 20);
    parser->max_fields(50);
    parser->eager(false);
    consumed = feed(*parser, in, std::min(split, in.size()), ec);
    if (ec != bhttp::error::bad_method) break;
    const auto n = http::leading_empty_lines(in);
    if (n == 0) break;
    in.remove_prefix(n);
  }
  if (ec || !parser->is_header_done()) return 0;

  const auto head = in.substr(0, consumed);
  const auto end_of_line = head.find("\r\n");
  if (head.find("\r\n ", end_of_line) != std::string_view::npos ||
      head.find("\r\n\t", end_of_line) != std::string_view::npos)
    __builtin_trap();
  const auto& h = parser->get();
  const auto hosts = h.count(bhttp::field::host);
  if (h.version() >= 11 && hosts != 1) __builtin_trap();
  if (hosts > 1) __builtin_trap();

  const std::string_view target(h.target().data(), h.target().size());
  check_normalised(target);
  std::string storage;
  http::TargetView view;
  if (http::normalize_target(target, storage, view).empty()) check_rendered(h, view.target);
  return 0;
}
