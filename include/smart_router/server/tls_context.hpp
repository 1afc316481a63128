// The TLS listener's context (server.tls) and its policy, in one place:
// - TLS 1.2 and 1.3 only; in TLS 1.2 only ECDHE key exchange with AEAD ciphers (AES-GCM,
//   ChaCha20-Poly1305): no CBC suite, no RSA key exchange, no compression, no renegotiation.
//   TLS 1.3's suites are all AEAD. (Mozilla's "intermediate" profile.)
// - ALPN: http/1.1 is the only protocol served, so it is the only one selected; a client that
//   offers only others (h2) gets no ALPN answer and speaks HTTP/1.1 or leaves.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "smart_router/config/config.hpp"

namespace smart_router::server {

// The TLS 1.2 cipher list and TLS 1.3 suites the listener offers (documented in the README).
inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

struct ServerTlsContext {
  std::shared_ptr<boost::asio::ssl::context> context;
  std::string subject;   // of the leaf certificate, for logs
  double not_after = 0;  // Unix time
};

// Loads the certificate chain and the key (they must match). Throws std::invalid_argument with
// the file and OpenSSL's reason.
ServerTlsContext make_server_tls_context(const config::ServerTls& cfg);

}  // namespace smart_router::server
