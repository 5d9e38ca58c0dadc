#include "tls.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/kdf.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace capif::http::tls {
namespace ssl = boost::asio::ssl;

namespace {
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls12PskCiphers = "ECDHE-PSK-CHACHA20-POLY1305:PSK-AES128-GCM-SHA256";
// TLS 1.3 external PSKs are bound to a hash; SHA-256 suites first or OpenSSL ignores the PSK.
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384";
const unsigned char kTls13Aes128GcmSha256[] = {0x13, 0x01};

// Our own ex_data slots: Asio keeps its verify callback in the app data of SSL_CTX and SSL (and deletes it).
int ctx_slot() {
  static const int slot = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return slot;
}
int ssl_slot() {
  static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return slot;
}

std::string sha256_hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  return crypto::hex_encode(std::string_view(reinterpret_cast<char*>(md), len));
}

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

void restrict_versions(ssl::context& ctx, const std::string& min_version, const std::string& max_version,
                       const char* tls12_ciphers) {
  SSL_CTX_set_min_proto_version(ctx.native_handle(), min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), max_version == "1.2" ? TLS1_2_VERSION : TLS1_3_VERSION);
  SSL_CTX_set_cipher_list(ctx.native_handle(), tls12_ciphers);
  SSL_CTX_set_ciphersuites(ctx.native_handle(), kTls13Suites);
}

SSL_SESSION* psk_session(SSL* ssl, const std::string& key) {
  const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, kTls13Aes128GcmSha256);
  if (!cipher) return nullptr;
  SSL_SESSION* sess = SSL_SESSION_new();
  if (!sess ||
      !SSL_SESSION_set1_master_key(sess, reinterpret_cast<const unsigned char*>(key.data()), key.size()) ||
      !SSL_SESSION_set_cipher(sess, cipher) || !SSL_SESSION_set_protocol_version(sess, TLS1_3_VERSION)) {
    SSL_SESSION_free(sess);
    return nullptr;
  }
  return sess;
}

const PskLookup* server_lookup(SSL* ssl) {
  return static_cast<const PskLookup*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_slot()));
}

// TLS 1.3 external PSK, server side.
int find_psk_session(SSL* ssl, const unsigned char* id, size_t id_len, SSL_SESSION** sess) {
  *sess = nullptr;
  const PskLookup* lookup = server_lookup(ssl);
  std::string identity(reinterpret_cast<const char*>(id), id_len);
  auto key = lookup ? (*lookup)(identity) : std::nullopt;
  if (!key) return 1;  // unknown identity: no PSK (a certificate handshake may still follow)
  *sess = psk_session(ssl, *key);
  if (!*sess) return 0;
  if (auto* st = static_cast<PskState*>(SSL_get_ex_data(ssl, ssl_slot()))) st->identity = identity;
  return 1;
}

// TLS 1.2 PSK suites, server side.
unsigned int tls12_psk_server(SSL* ssl, const char* identity, unsigned char* psk, unsigned int max_len) {
  const PskLookup* lookup = server_lookup(ssl);
  auto key = lookup && identity ? (*lookup)(identity) : std::nullopt;
  if (!key || key->empty() || key->size() > max_len) return 0;
  std::memcpy(psk, key->data(), key->size());
  if (auto* st = static_cast<PskState*>(SSL_get_ex_data(ssl, ssl_slot()))) st->identity = identity;
  return static_cast<unsigned int>(key->size());
}

const ClientTls* client_psk(SSL* ssl) {
  return static_cast<const ClientTls*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_slot()));
}

int use_psk_session(SSL* ssl, const EVP_MD* md, const unsigned char** id, size_t* id_len,
                    SSL_SESSION** sess) {
  *sess = nullptr;
  const ClientTls* c = client_psk(ssl);
  if (!c || !c->psk_identity) return 1;
  if (md && md != EVP_sha256())
    return 1;  // our PSK is bound to SHA-256 (HelloRetryRequest with another suite)
  *sess = psk_session(ssl, *c->psk_key);
  if (!*sess) return 0;
  *id = reinterpret_cast<const unsigned char*>(c->psk_identity->data());
  *id_len = c->psk_identity->size();
  return 1;
}

unsigned int tls12_psk_client(SSL* ssl, const char*, char* identity, unsigned int max_identity_len,
                              unsigned char* psk, unsigned int max_psk_len) {
  const ClientTls* c = client_psk(ssl);
  if (!c || !c->psk_identity || c->psk_identity->size() + 1 > max_identity_len ||
      c->psk_key->size() > max_psk_len)
    return 0;
  std::memcpy(identity, c->psk_identity->c_str(), c->psk_identity->size() + 1);
  std::memcpy(psk, c->psk_key->data(), c->psk_key->size());
  return static_cast<unsigned int>(c->psk_key->size());
}
}  // namespace

void add_trust_anchors(SSL_CTX* ctx, const std::string& pem) {
  load_trust(ctx, pem);
}

ssl::context make_server_context(const ServerTls& cfg) {
  ssl::context ctx(ssl::context::tls_server);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                  ssl::context::single_dh_use);
  std::string ciphers = kTls12Ciphers;
  if (cfg.psk_lookup) ciphers += std::string(":") + kTls12PskCiphers;
  restrict_versions(ctx, cfg.min_version, "1.3", ciphers.c_str());
  // No session tickets: a TLS 1.2 full handshake then always carries a session id, which AEFPSK needs.
  SSL_CTX_set_options(ctx.native_handle(), SSL_OP_NO_TICKET);
  ctx.use_certificate_chain(boost::asio::buffer(cfg.cert_chain_pem));
  ctx.use_private_key(boost::asio::buffer(cfg.key_pem), ssl::context::pem);
  static const unsigned char sid_ctx[] = "capif";
  SSL_CTX_set_session_id_context(ctx.native_handle(), sid_ctx, sizeof sid_ctx - 1);
  if (!cfg.client_ca_pem.empty()) {
    load_trust(ctx.native_handle(), cfg.client_ca_pem);
    // Ask for a certificate but let the handshake finish whatever it is: the route decides, and an
    // untrusted certificate gets a 401 ProblemDetails instead of a bare TLS alert.
    SSL_CTX_set_verify(ctx.native_handle(), SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
  }
  if (cfg.psk_lookup) {
    SSL_CTX_set_ex_data(ctx.native_handle(), ctx_slot(), const_cast<PskLookup*>(cfg.psk_lookup));
    SSL_CTX_set_psk_find_session_callback(ctx.native_handle(), find_psk_session);
    SSL_CTX_set_psk_server_callback(ctx.native_handle(), tls12_psk_server);
  }
  return ctx;
}

ssl::context make_client_context(const ClientTls& cfg) {
  ssl::context ctx(ssl::context::tls_client);
  const bool psk = cfg.psk_identity && !cfg.psk_identity->empty();
  restrict_versions(ctx, "1.2", cfg.max_version, psk ? kTls12PskCiphers : kTls12Ciphers);
  load_trust(ctx.native_handle(), cfg.ca_pem);
  ctx.set_verify_mode(ssl::verify_peer);
  if (!cfg.cert_pem.empty()) {
    ctx.use_certificate_chain(boost::asio::buffer(cfg.cert_pem));
    ctx.use_private_key(boost::asio::buffer(cfg.key_pem), ssl::context::pem);
  }
  if (psk) {
    SSL_CTX_set_ex_data(ctx.native_handle(), ctx_slot(), const_cast<ClientTls*>(&cfg));
    SSL_CTX_set_psk_use_session_callback(ctx.native_handle(), use_psk_session);
    SSL_CTX_set_psk_client_callback(ctx.native_handle(), tls12_psk_client);
  }
  return ctx;
}

void attach(SSL* ssl, PskState* state) {
  SSL_set_ex_data(ssl, ssl_slot(), state);
}

bool used_psk(SSL* ssl) {
  if (SSL_version(ssl) == TLS1_3_VERSION) return SSL_session_reused(ssl) == 1;
  const SSL_CIPHER* c = SSL_get_current_cipher(ssl);
  return c && SSL_CIPHER_get_auth_nid(c) == NID_auth_psk;
}

TlsInfo describe_session(SSL* ssl, const PskState* psk) {
  TlsInfo info;
  info.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) info.cipher = SSL_CIPHER_get_name(c);
  if (psk && !psk->identity.empty() && used_psk(ssl)) {
    info.psk_identity = psk->identity;
    return info;  // a PSK session has no certificate and its secrets are not AEFPSK material
  }
  if (SSL_version(ssl) == TLS1_2_VERSION) {
    SSL_SESSION* sess = SSL_get_session(ssl);
    unsigned char master[SSL_MAX_MASTER_KEY_LENGTH];
    std::size_t n = SSL_SESSION_get_master_key(sess, master, sizeof master);
    unsigned int id_len = 0;
    const unsigned char* id = SSL_SESSION_get_id(sess, &id_len);
    if (n > 0 && id_len > 0) {
      info.aefpsk_key.assign(reinterpret_cast<char*>(master), n);
      info.aefpsk_session_id.assign(reinterpret_cast<const char*>(id), id_len);
    }
  } else {
    unsigned char out[32];
    const auto& label = crypto::kAefpskExporterLabel;
    if (SSL_export_keying_material(ssl, out, sizeof out, label.data(), label.size(), nullptr, 0, 0) == 1)
      info.aefpsk_key.assign(reinterpret_cast<char*>(out), sizeof out);
  }
  std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), &X509_free);
  if (!cert) return info;
  info.client_cert_presented = true;
  info.client_cert_verified = SSL_get_verify_result(ssl) == X509_V_OK;
  char cn[256] = {0};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn) > 0)
    info.client_cn = cn;
  info.server_cn = info.client_cn;  // on the client side the peer is the server
  info.client_fingerprint = sha256_hex(cert.get());
  if (info.client_cert_verified) {
    STACK_OF(X509)* chain = SSL_get0_verified_chain(ssl);
    if (chain && sk_X509_num(chain) > 0)
      info.client_anchor_fingerprint = sha256_hex(sk_X509_value(chain, sk_X509_num(chain) - 1));
  }
  return info;
}

}  // namespace capif::http::tls
