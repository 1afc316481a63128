#include "smart_router/ratelimit/client_key.hpp"

#include <functional>

namespace smart_router::ratelimit {
namespace {

void append_ip(const boost::asio::ip::address& peer, std::string& out) {
  out.push_back('i');
  if (peer.is_v6() && !peer.to_v6().is_v4_mapped()) {
    const auto bytes = peer.to_v6().to_bytes();
    out.append(reinterpret_cast<const char*>(bytes.data()), 8);  // the /64
    return;
  }
  const auto v4 = peer.is_v4()
                      ? peer.to_v4()
                      : boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, peer.to_v6());
  const auto bytes = v4.to_bytes();
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void append_value(char kind, std::string_view value, std::string& out) {
  out.push_back(kind);
  if (value.size() <= kMaxKeyValueBytes) {
    out.append(value);
    return;
  }
  const std::size_t hash = std::hash<std::string_view>{}(value);
  out.append(value.substr(0, kMaxKeyValueBytes - sizeof hash));
  out.append(reinterpret_cast<const char*>(&hash), sizeof hash);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void client_key(const KeySource& source, const RequestFacts& facts, std::string& out) {
  out.clear();
  switch (source.kind) {
    case config::ClientKeyKind::jwt_subject:
      if (!facts.jwt_subject.empty()) return append_value('s', facts.jwt_subject, out);
      break;
    case config::ClientKeyKind::header:
      if (facts.header != nullptr) {
        const auto value = facts.header(facts.header_ctx, source.header);
        if (value && !trim(*value).empty()) return append_value('h', trim(*value), out);
      }
      break;
    case config::ClientKeyKind::client_ip:
      break;
  }
  append_ip(facts.peer, out);
}

}  // namespace smart_router::ratelimit
