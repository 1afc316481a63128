#include "smart_router/server/tls_context.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace smart_router::server {
namespace {

// A key and a self-signed certificate for it, written to temporary files (removed at the end).
class CertFiles {
 public:
  explicit CertFiles(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path();
    const auto stem = "sr_tls_test_" + std::to_string(::getpid()) + "_" + name;
    cert_ = (dir / (stem + ".crt")).string();
    key_ = (dir / (stem + ".key")).string();
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME* n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(x, n);
    X509_sign(x, key, EVP_sha256());
    FILE* f = std::fopen(cert_.c_str(), "w");
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(key_.c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(x);
    EVP_PKEY_free(key);
  }
  ~CertFiles() {
    std::error_code ec;
    std::filesystem::remove(cert_, ec);
    std::filesystem::remove(key_, ec);
  }
  CertFiles(const CertFiles&) = delete;
  CertFiles& operator=(const CertFiles&) = delete;

  config::ServerTls config() const { return {cert_, key_}; }
  const std::string& cert() const { return cert_; }
  const std::string& key() const { return key_; }

 private:
  std::string cert_, key_;
};

TEST(ServerTlsContext, LoadsThePairAndReadsTheCertificate) {
  const CertFiles files("router-a");
  const auto ctx = make_server_tls_context(files.config());
  ASSERT_NE(ctx.context, nullptr);
  EXPECT_NE(ctx.subject.find("CN=router-a"), std::string::npos);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(ctx.not_after, now + 3000);
  EXPECT_LT(ctx.not_after, now + 4000);
}

TEST(ServerTlsContext, OffersTls12OnlyWithEcdheAndAead) {
  const CertFiles files("router-a");
  const auto ctx = make_server_tls_context(files.config());
  SSL_CTX* native = ctx.context->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(native), TLS1_2_VERSION);
  SSL* ssl = SSL_new(native);
  STACK_OF(SSL_CIPHER)* ciphers = SSL_get1_supported_ciphers(ssl);
  ASSERT_NE(ciphers, nullptr);
  int tls12 = 0;
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
    if (std::string(SSL_CIPHER_get_version(c)) == "TLSv1.3") continue;
    ++tls12;
    EXPECT_EQ(SSL_CIPHER_is_aead(c), 1) << SSL_CIPHER_get_name(c) << " is not AEAD";
    EXPECT_EQ(SSL_CIPHER_get_kx_nid(c), NID_kx_ecdhe) << SSL_CIPHER_get_name(c) << " is not ECDHE";
  }
  EXPECT_GT(tls12, 0);
  sk_SSL_CIPHER_free(ciphers);
  SSL_free(ssl);
}

TEST(ServerTlsContext, ABrokenPairIsRefusedWithTheReason) {
  const CertFiles a("router-a"), b("router-b");
  try {
    make_server_tls_context({a.cert(), b.key()});
    FAIL() << "a key of another certificate was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("server.tls"), std::string::npos) << e.what();
  }
  EXPECT_THROW(make_server_tls_context({"/nonexistent/cert.pem", a.key()}), std::invalid_argument);
  std::ofstream(a.cert(), std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nhalf\n";
  try {
    make_server_tls_context(a.config());
    FAIL() << "a half-written certificate was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("server.tls.cert_file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace smart_router::server
