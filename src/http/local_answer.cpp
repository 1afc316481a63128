#include "smart_router/http/local_answer.hpp"

#include <charconv>

#include "smart_router/http/error_response.hpp"

namespace smart_router::http {

namespace {

void append_number(std::string& out, std::size_t n) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, r.ptr);
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

}  // namespace

void render_local_answer(const LocalAnswer& a, std::string_view request_id, bool keep_alive,
                         std::string& out, bool http10) {
  out.clear();
  out += "HTTP/1.1 ";
  append_number(out, a.status);
  out += ' ';
  out += reason_phrase(a.status);
  out += "\r\n";
  if (a.status < 200) {  // interim: no framing, the final answer follows
    for (const auto& h : a.headers) append_header(out, h.name, h.value);
    out += "\r\n";
    return;
  }
  if (!a.content_type.empty()) append_header(out, "Content-Type", a.content_type);
  out += "Content-Length: ";
  append_number(out, a.body.size());
  out += "\r\n";
  append_header(out, "X-Request-Id", request_id);
  for (const auto& h : a.headers) append_header(out, h.name, h.value);
  if (!keep_alive)
    out += "Connection: close\r\n";
  else if (http10)
    out += "Connection: keep-alive\r\n";
  out += "\r\n";
  if (!a.head_only) out += a.body;
}

}  // namespace smart_router::http
