#include "smart_router/server/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>
#include <stdexcept>

namespace smart_router::server {
namespace ssl = boost::asio::ssl;

namespace {

constexpr unsigned char kAlpnHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

int select_alpn(SSL* /*ssl*/, const unsigned char** out, unsigned char* outlen,
                const unsigned char* in, unsigned int inlen, void* /*arg*/) {
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, outlen, kAlpnHttp11, sizeof kAlpnHttp11, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;  // nothing we speak: carry on without ALPN
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

std::string openssl_reason() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

void apply_policy(SSL_CTX* ctx) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, kTls13Suites) != 1)
    throw std::invalid_argument("server.tls: cipher policy refused: " + openssl_reason());
  SSL_CTX_set_alpn_select_cb(ctx, &select_alpn, nullptr);
}

double unix_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<double>(timegm(&tm));
}

std::string subject_of(X509* cert) {
  if (cert == nullptr) return {};
  char buf[512];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

}  // namespace

ServerTlsContext make_server_tls_context(const config::ServerTls& cfg) {
  ServerTlsContext out;
  out.context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* ctx = out.context->native_handle();
  apply_policy(ctx);
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(ctx, cfg.cert_file.c_str()) != 1)
    throw std::invalid_argument("server.tls.cert_file " + cfg.cert_file + ": " + openssl_reason());
  if (SSL_CTX_use_PrivateKey_file(ctx, cfg.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    throw std::invalid_argument("server.tls.key_file " + cfg.key_file + ": " + openssl_reason());
  if (SSL_CTX_check_private_key(ctx) != 1)
    throw std::invalid_argument("server.tls: key_file " + cfg.key_file +
                                " does not match the certificate in " + cfg.cert_file);
  X509* leaf = SSL_CTX_get0_certificate(ctx);
  out.subject = subject_of(leaf);
  out.not_after = leaf != nullptr ? unix_time(X509_get0_notAfter(leaf)) : 0;
  return out;
}

}  // namespace smart_router::server
