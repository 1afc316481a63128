// Fuzz target: the body relay (relay_body) moving a chunked body from one socket to another,
// over Unix socket pairs on an io_context: the fuzzer's bytes are the body after a fixed head.
// The first byte picks the direction (request: RequestParser, or response: ResponseHeadParser),
// the framing towards the destination and the relay buffer's size, and for a response whether
// its head has a Content-Length instead (then take_simple_head takes it and LengthBody counts
// the body: as long as the bytes, one more, or half of them). Besides memory errors it
// traps when a relay that reports success delivered a body other than the one Beast decodes
// from the same bytes, or when Beast decodes a whole body the relay failed on (but for the
// RFC 9112 rules the router adds to Beast's parser).
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "smart_router/common/stream_io.hpp"
#include "smart_router/http/body_relay.hpp"
#include "smart_router/http/request_parser.hpp"
#include "smart_router/http/response_head_parser.hpp"

namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
namespace http = smart_router::http;
using tcp = net::ip::tcp;

constexpr std::string_view kRequestHead =
    "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
constexpr std::string_view kResponseHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

struct Pair {
  int fd[2] = {-1, -1};
  Pair() {
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fd) != 0) __builtin_trap();
  }
  ~Pair() {
    for (const int f : fd)
      if (f >= 0) ::close(f);
  }
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;
  // Hands one end to Asio (which closes it from then on).
  tcp::socket socket(net::io_context& ioc, int end) {
    tcp::socket s(ioc);
    s.assign(tcp::v4(), fd[end]);
    fd[end] = -1;
    s.non_blocking(true);
    return s;
  }
};

// What Beast decodes from the same bytes: the body, or nullopt when it is not a whole message.
template <bool isRequest>
std::optional<std::string> decode(std::string_view wire) {
  bhttp::parser<isRequest, bhttp::string_body> p;
  p.body_limit(1 << 20);
  p.eager(true);
  boost::system::error_code ec;
  std::size_t used = 0;
  while (!p.is_done() && used < wire.size() && !ec)
    used += p.put(net::buffer(wire.data() + used, wire.size() - used), ec);
  if (ec || !p.is_done()) return std::nullopt;
  return p.get().body();
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

struct Relay {
  std::string_view head;  // the destination's head, written with the first piece
  http::BodyFraming framing;
  std::size_t buffer_size;
};

template <class Parser>
std::optional<http::RelayResult> run_relay(Parser& parser, bhttp::buffer_body::value_type& window,
                                           std::string_view wire, const Relay& r,
                                           std::string& out) {
  Pair src, dst;
  for (std::size_t off = 0; off < wire.size();) {
    const auto n = ::write(src.fd[0], wire.data() + off, wire.size() - off);
    if (n <= 0) __builtin_trap();
    off += static_cast<std::size_t>(n);
  }
  ::shutdown(src.fd[0], SHUT_WR);
  net::io_context ioc;
  smart_router::Stream from(src.socket(ioc, 1));
  std::optional<smart_router::Stream> to;
  to.emplace(dst.socket(ioc, 0));
  boost::beast::flat_buffer buffer;
  // A first read, as the forwarder's wait makes, so that a head of the common shape is taken
  // by take_simple_head (which only looks at what has been read).
  boost::system::error_code first_read;
  buffer.commit(from.socket().read_some(buffer.prepare(4096), first_read));
  if (smart_router::read_header_now(from, buffer, parser)) return std::nullopt;
  smart_router::DeadlineWatch watch(ioc.get_executor());
  std::vector<char> relay_buffer(r.buffer_size);
  std::optional<http::RelayResult> result;
  const http::BodySink sink{*to, r.framing, r.head};
  const http::RelayBuffer via{relay_buffer.data(), relay_buffer.size(), watch,
                              std::chrono::milliseconds(1000)};
  auto relay = [&] {
    if constexpr (std::is_same_v<Parser, http::ResponseHeadParser>) {
      if (parser.simple()) {
        auto& body = parser.length_body();
        return http::relay_body(
            http::BodySource<http::LengthBody>{from, buffer, body, body.window()}, sink, via);
      }
    }
    return http::relay_body(http::BodySource<Parser>{from, buffer, parser, window}, sink, via);
  };
  net::co_spawn(ioc, relay(), [&result](const std::exception_ptr& e, http::RelayResult res) {
    if (e) __builtin_trap();  // the relay reports errors, it never throws
    result = res;
  });
  ioc.run();
  to.reset();  // closes the destination: the reader sees the end
  out = read_all(dst.fd[1]);
  return result;
}

void check(const std::optional<http::RelayResult>& result, const std::optional<std::string>& body,
           const std::string& out, const Relay& r) {
  if (!result) return;
  // The strict request parser refuses trailers plain Beast takes (a Host, a fold, too many).
  if (result->read_error.category() == http::head_error_category()) return;
  if (result->ok() != body.has_value()) __builtin_trap();
  if (!body) return;
  if (r.framing == http::BodyFraming::chunked) {
    const auto relayed = decode<false>(out);
    if (!relayed || *relayed != *body) __builtin_trap();
  } else if (out != *body) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned mode = data[0];
  const bool request = (mode & 1) != 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  Relay r;
  r.framing = (mode & 2) != 0 ? http::BodyFraming::chunked : http::BodyFraming::until_close;
  r.head = r.framing == http::BodyFraming::chunked ? kResponseHead : std::string_view();
  r.buffer_size = std::size_t{16} << ((mode >> 2) & 7);  // 16 .. 2048 bytes
  std::string out;
  if (request) {
    const std::string wire = std::string(kRequestHead) + std::string(body);
    http::RequestParser parser;
    parser.body_limit(1 << 20);
    const auto result = run_relay(parser, parser.get().body(), wire, r, out);
    check(result, decode<true>(wire), out, r);
  } else {
    std::string wire = std::string(kResponseHead) + std::string(body);
    if ((mode & 0x20) != 0) {
      const std::size_t length = (mode & 0x40) != 0   ? body.size() + 1
                                 : (mode & 0x80) != 0 ? body.size() / 2
                                                      : body.size();
      wire = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n" +
             std::string(body);
    }
    http::FlatFields fields;
    http::ResponseHeadParser parser(fields);
    parser.body_limit(1 << 20);
    const auto result = run_relay(parser, parser.body(), wire, r, out);
    check(result, decode<false>(wire), out, r);
  }
  return 0;
}
