// Which client a request belongs to, for the per-client buckets (rate_limits.classes.*.client.key).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "smart_router/config/config.hpp"

namespace smart_router::ratelimit {

// What the pipeline knows about the request when it is admitted.
struct RequestFacts {
  std::string_view jwt_subject;  // `sub` of a verified JWT; "" when none (never an unverified one)
  boost::asio::ip::address peer;
  std::optional<std::string_view> (*header)(const void* ctx, std::string_view name) = nullptr;
  const void* header_ctx = nullptr;
};

struct KeySource {
  config::ClientKeyKind kind = config::ClientKeyKind::client_ip;
  std::string header;  // kind == header
};

// Longer subjects and header values are kept as their first bytes plus a hash of the whole,
// so a hostile value cannot make a key (and the table's memory) large.
inline constexpr std::size_t kMaxKeyValueBytes = 128;

// Writes the request's key into `out`: one byte naming the kind, then the value. A request
// without a verified subject (jwt_subject) or without the header (header:NAME) is keyed by
// its client IP. IPv6 clients are keyed by their /64, the block one subscriber gets, so an
// address-hopping client is one client; an IPv4-mapped address counts as the IPv4 address.
void client_key(const KeySource& source, const RequestFacts& facts, std::string& out);

}  // namespace smart_router::ratelimit
