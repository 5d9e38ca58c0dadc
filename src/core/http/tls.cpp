#include "tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

namespace capif::http::tls {
namespace ssl = boost::asio::ssl;

namespace {
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

void load_trust(SSL_CTX* ctx, const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, cert);
    X509_free(cert);
    ++added;
  }
  ERR_clear_error();
  if (added == 0) throw std::runtime_error("no certificate found in trust anchor PEM");
}

void restrict_versions(ssl::context& ctx, const std::string& min_version) {
  SSL_CTX_set_min_proto_version(ctx.native_handle(), min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_3_VERSION);
  SSL_CTX_set_cipher_list(ctx.native_handle(), kTls12Ciphers);
}
}  // namespace

ssl::context make_server_context(const ServerTls& cfg) {
  ssl::context ctx(ssl::context::tls_server);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                  ssl::context::single_dh_use);
  restrict_versions(ctx, cfg.min_version);
  ctx.use_certificate_chain(boost::asio::buffer(cfg.cert_chain_pem));
  ctx.use_private_key(boost::asio::buffer(cfg.key_pem), ssl::context::pem);
  if (!cfg.client_ca_pem.empty()) {
    load_trust(ctx.native_handle(), cfg.client_ca_pem);
    // Ask for a certificate but let the handshake finish whatever it is: the route decides, and an
    // untrusted certificate gets a 401 ProblemDetails instead of a bare TLS alert.
    SSL_CTX_set_verify(ctx.native_handle(), SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
    static const unsigned char sid_ctx[] = "capif";
    SSL_CTX_set_session_id_context(ctx.native_handle(), sid_ctx, sizeof sid_ctx - 1);
  }
  return ctx;
}

ssl::context make_client_context(const ClientTls& cfg) {
  ssl::context ctx(ssl::context::tls_client);
  restrict_versions(ctx, "1.2");
  load_trust(ctx.native_handle(), cfg.ca_pem);
  ctx.set_verify_mode(ssl::verify_peer);
  if (!cfg.cert_pem.empty()) {
    ctx.use_certificate_chain(boost::asio::buffer(cfg.cert_pem));
    ctx.use_private_key(boost::asio::buffer(cfg.key_pem), ssl::context::pem);
  }
  return ctx;
}

TlsInfo describe_session(SSL* ssl) {
  TlsInfo info;
  info.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) info.cipher = SSL_CIPHER_get_name(c);
  std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), &X509_free);
  if (!cert) return info;
  info.client_cert_presented = true;
  info.client_cert_verified = SSL_get_verify_result(ssl) == X509_V_OK;
  char cn[256] = {0};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn) > 0)
    info.client_cn = cn;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &len) == 1) {
    static const char* hex = "0123456789abcdef";
    for (unsigned i = 0; i < len; ++i) {
      info.client_fingerprint.push_back(hex[md[i] >> 4]);
      info.client_fingerprint.push_back(hex[md[i] & 15]);
    }
  }
  return info;
}

}  // namespace capif::http::tls
