// A connection to Redis for the router's own use (the fleet's quota buckets): RESP commands
// formatted and replies parsed by hiredis, the I/O on our Asio stream (plain or TLS, opened by
// connect_upstream). Commands go out in one write and their replies are read back in order
// (pipelining). One exchange at a time; any error leaves the connection unusable.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "smart_router/config/redis_url.hpp"
#include "smart_router/upstream/connection_pool.hpp"

namespace smart_router::upstream {

struct RedisReply {
  enum class Type : std::uint8_t { nil, integer, string, status, error, array };
  Type type = Type::nil;
  std::int64_t integer = 0;
  std::string text;  // string, status, error
  std::vector<RedisReply> elements;
};

using RedisCommand = std::vector<std::string>;

class RedisConnection {
 public:
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Connects, and sends AUTH and SELECT as the URL asks. `tls` is used for rediss://. Null,
  // with *why set, on failure (unreachable, TLS, AUTH refused, timeout).
  static boost::asio::awaitable<std::unique_ptr<RedisConnection>> open(
      const config::RedisUrl& url, boost::asio::ssl::context* tls,
      std::chrono::milliseconds timeout, std::string* why);

  // Sends `commands` and reads one reply for each, within `timeout`. Empty, with *why set, on
  // a transport or protocol failure (a Redis error reply is a reply, not a failure).
  boost::asio::awaitable<std::vector<RedisReply>> exchange(
      const std::vector<RedisCommand>& commands, std::chrono::milliseconds timeout,
      std::string* why);

 private:
  explicit RedisConnection(std::unique_ptr<UpstreamConnection> conn);
  boost::asio::awaitable<std::vector<RedisReply>> exchange_unbounded(
      const std::vector<RedisCommand>& commands, std::string* why);

  std::unique_ptr<UpstreamConnection> conn_;
  struct ReaderDeleter {
    void operator()(void* reader) const;
  };
  std::unique_ptr<void, ReaderDeleter> reader_;  // hiredis' redisReader
};

}  // namespace smart_router::upstream
