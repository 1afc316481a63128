#include "smart_router/upstream/redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "smart_router/common/with_timeout.hpp"
#include "smart_router/upstream/upstream_connector.hpp"

namespace smart_router::upstream {
namespace net = boost::asio;

namespace {

constexpr auto kToken = net::as_tuple(net::use_awaitable);
constexpr std::size_t kReadChunk = 4096;

RedisReply convert(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::string;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::status;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::error;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
      break;
    default:  // REDIS_REPLY_NIL
      break;
  }
  return out;
}

// RESP for `command`, by hiredis' own formatter (binary-safe arguments).
std::string formatted(const RedisCommand& command) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& a : command) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  char* out = nullptr;
  const int n =
      redisFormatCommandArgv(&out, static_cast<int>(argv.size()), argv.data(), lengths.data());
  if (n < 0 || out == nullptr) throw std::bad_alloc();
  std::string s(out, static_cast<std::size_t>(n));
  redisFreeCommand(out);
  return s;
}

}  // namespace

void RedisConnection::ReaderDeleter::operator()(void* reader) const {
  redisReaderFree(static_cast<redisReader*>(reader));
}

RedisConnection::RedisConnection(std::unique_ptr<UpstreamConnection> conn)
    : conn_(std::move(conn)), reader_(redisReaderCreate()) {
  if (!reader_) throw std::bad_alloc();
}

RedisConnection::~RedisConnection() = default;

net::awaitable<std::unique_ptr<RedisConnection>> RedisConnection::open(
    const config::RedisUrl& url, net::ssl::context* tls, std::chrono::milliseconds timeout,
    std::string* why) {
  const std::string address =
      (url.endpoint.ipv6 ? "[" + url.endpoint.host + "]" : url.endpoint.host) + ":" +
      std::to_string(url.endpoint.port);
  auto ep = std::make_shared<Endpoint>("", address);
  DeadlineWatch watch(co_await net::this_coro::executor);
  boost::system::error_code ec;
  UpstreamTlsParams params{url.tls ? tls : nullptr, url.endpoint.host, true};
  auto conn =
      co_await connect_upstream(ep, static_cast<std::uint32_t>(timeout.count()), params, watch, ec);
  watch.stop();
  if (!conn) {
    *why = "cannot connect to " + address + ": " + ec.message();
    co_return nullptr;
  }
  std::unique_ptr<RedisConnection> redis(new RedisConnection(std::move(conn)));
  std::vector<RedisCommand> hello;
  if (!url.password.empty() || !url.user.empty()) {
    if (url.user.empty())
      hello.push_back({"AUTH", url.password});
    else
      hello.push_back({"AUTH", url.user, url.password});
  }
  if (url.db != 0) hello.push_back({"SELECT", std::to_string(url.db)});
  if (hello.empty()) co_return redis;
  const auto replies = co_await redis->exchange(hello, timeout, why);
  if (replies.empty()) co_return nullptr;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].type == RedisReply::Type::error) {
      *why = hello[i].front() + " refused: " + replies[i].text;
      co_return nullptr;
    }
  }
  co_return redis;
}

net::awaitable<std::vector<RedisReply>> RedisConnection::exchange(
    const std::vector<RedisCommand>& commands, std::chrono::milliseconds timeout,
    std::string* why) {
  // Named first: g++ 12 destroys temporaries of a co_await expression twice.
  auto work = exchange_unbounded(commands, why);
  auto result = co_await with_timeout(std::move(work), timeout);
  if (result) co_return std::move(*result);
  *why = "no answer within " + std::to_string(timeout.count()) + " ms";
  boost::system::error_code ignored;
  conn_->stream.socket().close(ignored);  // a late reply must never be taken for the next one
  co_return std::vector<RedisReply>{};
}

net::awaitable<std::vector<RedisReply>> RedisConnection::exchange_unbounded(
    const std::vector<RedisCommand>& commands, std::string* why) {
  std::string out;
  for (const auto& c : commands) out += formatted(c);
  auto [wec, written] = co_await net::async_write(conn_->stream, net::buffer(out), kToken);
  (void)written;
  if (wec) {
    *why = "cannot send to Redis: " + wec.message();
    co_return std::vector<RedisReply>{};
  }
  auto* reader = static_cast<redisReader*>(reader_.get());
  std::vector<RedisReply> replies;
  std::array<char, kReadChunk> chunk{};
  while (replies.size() < commands.size()) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader, &raw) != REDIS_OK) {
      *why = std::string("bad reply from Redis: ") + reader->errstr;
      co_return std::vector<RedisReply>{};
    }
    if (raw != nullptr) {
      replies.push_back(convert(*static_cast<redisReply*>(raw)));
      freeReplyObject(raw);
      continue;
    }
    auto [rec, n] = co_await conn_->stream.async_read_some(net::buffer(chunk), kToken);
    if (rec) {
      *why = "Redis closed the connection: " + rec.message();
      co_return std::vector<RedisReply>{};
    }
    redisReaderFeed(reader, chunk.data(), n);
  }
  co_return replies;
}

}  // namespace smart_router::upstream
