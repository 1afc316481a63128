// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` a request came
// with (parsed strictly), the router's own span, and a new child span id for every request sent
// upstream. `tracestate` is forwarded as it came, within the spec's bounds. Ids are lower-case
// hex kept in fixed buffers: nothing here allocates or locks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smart_router::http {

inline constexpr std::size_t kTraceparentSize = 55;  // "00-" 32 "-" 16 "-" 2
// tracestate: the spec's list limit, and what we propagate at most (the spec's "at least 512").
inline constexpr std::size_t kMaxTracestateMembers = 32;
inline constexpr std::size_t kMaxTracestateBytes = 512;

// The fields of an incoming traceparent that a vendor may use.
struct TraceParent {
  std::array<char, 32> trace_id{};
  std::array<char, 16> parent_id{};
  bool sampled = false;
};

// Version 00: exactly "00-<32 hex>-<16 hex>-<2 hex>", lower-case, ids not all zero. A higher
// version (not ff) is parsed as the spec says: the three known fields at the same places,
// followed by the end or a '-'. nullopt for anything else (the trace is restarted).
std::optional<TraceParent> parse_traceparent(std::string_view value);

// The tracestate to forward: `combined` (every tracestate field of the request, joined by ',')
// as it is when it is a valid list of at most 32 members within 512 bytes; else, when valid but
// too long, the members that fit (those over 128 bytes dropped first, then from the end),
// written to `scratch` (which may hold `combined`); "" when it is not a valid list (bad key or
// value, a key twice, more than 32 members) or has no member at all.
std::string_view bound_tracestate(std::string_view combined, std::string& scratch);

class TraceContext {
 public:
  // Continues the caller's trace, or starts one (random trace id, sampled flag 0: the router
  // records nothing itself and leaves the decision to those downstream). Either way the router
  // gets a new span id of its own. `tracestate` must outlive the request; a restarted trace
  // drops it (it describes another trace).
  void begin(const std::optional<TraceParent>& incoming, std::string_view tracestate);
  void start() { begin(std::nullopt, {}); }

  std::string_view trace_id() const { return {trace_id_.data(), trace_id_.size()}; }
  std::string_view span_id() const { return {span_id_.data(), span_id_.size()}; }
  // The caller's span, "" when the trace started here.
  std::string_view parent_id() const {
    return continued_ ? std::string_view(parent_id_.data(), parent_id_.size()) : std::string_view{};
  }
  bool sampled() const { return sampled_; }
  std::string_view tracestate() const { return tracestate_; }

  // The traceparent of one request to an upstream: this trace, a fresh span id (a child of the
  // router's span), the sampled flag. Each call makes a new span id; the text stays valid until
  // the next call.
  std::string_view next_upstream_traceparent();

 private:
  std::array<char, 32> trace_id_{};
  std::array<char, 16> span_id_{};
  std::array<char, 16> parent_id_{};
  std::array<char, kTraceparentSize> upstream_{};
  std::string_view tracestate_;
  bool continued_ = false;
  bool sampled_ = false;
};

}  // namespace smart_router::http
