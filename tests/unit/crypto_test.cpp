#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "capif/crypto/jwt.hpp"
#include "capif/crypto/pki.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <memory>

using namespace capif::crypto;

namespace {

// DER bytes inside a single-object PEM.
std::string pem_body(const std::string& pem) {
  std::string b64;
  std::size_t pos = pem.find('\n') + 1;
  std::size_t end = pem.find("-----END");
  for (std::size_t i = pos; i < end; ++i)
    if (pem[i] != '\n') b64 += pem[i];
  return base64_decode(b64);
}

std::string to_pem(const std::string& der, const std::string& label) {
  std::string b64 = base64_encode(der), out = "-----BEGIN " + label + "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + label + "-----\n";
}

std::int64_t now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

// A shared CA: key generation is cheap, but one CA keeps the tests short.
const CertificateAuthority& test_ca() {
  static const CertificateAuthority ca = CertificateAuthority::create("Test CA", 30);
  return ca;
}

}  // namespace

TEST(Encoding, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> v[] = {{"", ""},
                                                   {"f", "Zg=="},
                                                   {"fo", "Zm8="},
                                                   {"foo", "Zm9v"},
                                                   {"foob", "Zm9vYg=="},
                                                   {"fooba", "Zm9vYmE="},
                                                   {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, enc] : v) {
    EXPECT_EQ(base64_encode(plain), enc);
    EXPECT_EQ(base64_decode(enc), plain);
    std::string url = enc;
    url.erase(url.find_last_not_of('=') + 1);
    EXPECT_EQ(base64url_encode(plain), url);
    EXPECT_EQ(base64url_decode(url), plain);
  }
}

TEST(Encoding, Base64UrlAlphabetAndStrictness) {
  std::string bytes("\xfb\xff", 2);
  EXPECT_EQ(base64_encode(bytes), "+/8=");
  EXPECT_EQ(base64url_encode(bytes), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), bytes);
  EXPECT_THROW(base64url_decode("Zg=="), CryptoError);  // padding not allowed in the url variant
  EXPECT_THROW(base64url_decode("Zh"), CryptoError);    // non-zero trailing bits
  EXPECT_THROW(base64url_decode("Z"), CryptoError);
  EXPECT_THROW(base64_decode("Zm9v!A=="), CryptoError);
}

TEST(Encoding, HexAndSha256) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abc").size(), 32u);
  EXPECT_EQ(hex_decode("00FFa0"), std::string("\x00\xff\xa0", 3));
  EXPECT_THROW(hex_decode("abc"), CryptoError);
}

TEST(Encoding, RandomIdsAndTokens) {
  std::string id = random_id("INV");
  ASSERT_EQ(id.size(), 3u + 32u);
  EXPECT_EQ(id.substr(0, 3), "INV");
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 3), std::string::npos);
  EXPECT_NE(random_id("INV"), id);
  EXPECT_EQ(base64url_decode(random_token(32)).size(), 32u);
}

TEST(Pki, CaCreateLoadRoundTrip) {
  const auto& ca = test_ca();
  auto loaded = CertificateAuthority::load(ca.cert_pem(), ca.key_pem());
  EXPECT_EQ(loaded.cert_pem(), ca.cert_pem());
  CertInfo info = inspect_cert(ca.cert_pem());
  EXPECT_EQ(info.subject_cn, "Test CA");
  EXPECT_EQ(info.issuer_cn, "Test CA");
  EXPECT_TRUE(verify_cert_signed_by(ca.cert_pem(), ca.cert_pem()));
  // A key from another CA must not be accepted as this CA's key.
  auto other = CertificateAuthority::create("Other CA", 30);
  EXPECT_THROW(CertificateAuthority::load(ca.cert_pem(), other.key_pem()), CryptoError);
  EXPECT_THROW(CertificateAuthority::load("garbage", ca.key_pem()), CryptoError);
}

TEST(Pki, ClientCertUsesGivenCnAndChainsOnlyToIssuer) {
  const auto& ca = test_ca();
  std::string key = generate_ec_key_pem();
  std::string csr = make_csr_pem(key, "i-want-to-be-admin");
  EXPECT_EQ(parse_and_verify_csr(csr).subject_cn, "i-want-to-be-admin");
  EXPECT_EQ(parse_and_verify_csr(csr).public_key_pem, public_key_pem(key));

  std::string id = random_id("INV");
  std::string cert = ca.issue_client_cert(csr, id, 365);
  CertInfo info = inspect_cert(cert);
  EXPECT_EQ(info.subject_cn, id);
  EXPECT_EQ(info.issuer_cn, "Test CA");
  EXPECT_EQ(info.serial_hex.size(), 32u);
  // Clamped to the 30-day CA lifetime.
  EXPECT_LE(info.not_after, inspect_cert(ca.cert_pem()).not_after);
  EXPECT_LT(info.not_before, now());
  std::string der = pem_body(cert);
  EXPECT_EQ(info.fingerprint_sha256,
            cert_fingerprint_sha256_der(reinterpret_cast<const unsigned char*>(der.data()), der.size()));

  EXPECT_TRUE(verify_cert_signed_by(cert, ca.cert_pem()));
  auto other = CertificateAuthority::create("Other CA", 30);
  EXPECT_FALSE(verify_cert_signed_by(cert, other.cert_pem()));
  EXPECT_FALSE(verify_cert_signed_by("not a cert", ca.cert_pem()));
}

TEST(Pki, ServerCert) {
  const auto& ca = test_ca();
  std::string key = generate_ec_key_pem();
  std::string cert =
      ca.issue_server_cert(key, "ccf-a", {"localhost", "ccf.example"}, {"127.0.0.1", "::1"}, 10);
  EXPECT_EQ(inspect_cert(cert).subject_cn, "ccf-a");
  EXPECT_TRUE(verify_cert_signed_by(cert, ca.cert_pem()));
  EXPECT_THROW(ca.issue_server_cert(key, "ccf-a", {"bad,DNS:evil"}, {}, 10), CryptoError);
  EXPECT_THROW(ca.issue_server_cert(key, "ccf-a", {}, {"not-an-ip"}, 10), CryptoError);
}

TEST(Pki, RejectsBadCsrs) {
  const auto& ca = test_ca();
  EXPECT_THROW(parse_and_verify_csr("garbage"), CryptoError);
  EXPECT_THROW(
      parse_and_verify_csr("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"),
      CryptoError);
  EXPECT_THROW(ca.issue_client_cert("garbage", "INV1", 10), CryptoError);

  // Flip a bit of the signature (the last DER byte): proof of possession must fail.
  std::string csr = make_csr_pem(generate_ec_key_pem(), "x");
  std::string der = pem_body(csr);
  der.back() ^= 0x01;
  std::string tampered = to_pem(der, "CERTIFICATE REQUEST");
  EXPECT_THROW(parse_and_verify_csr(tampered), CryptoError);
  EXPECT_THROW(ca.issue_client_cert(tampered, "INV1", 10), CryptoError);
}

TEST(Pki, RejectsWeakRsaKey) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> rsa(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024)), EVP_PKEY_free);
  ASSERT_TRUE(rsa);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio.get(), rsa.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  std::string csr = make_csr_pem(std::string(data, len), "weak");
  try {
    parse_and_verify_csr(csr);
    FAIL() << "weak key accepted";
  } catch (const CryptoError& e) {
    EXPECT_NE(std::string(e.what()).find("too weak"), std::string::npos) << e.what();
  }
}

class Jws : public ::testing::Test {
 protected:
  std::string key = generate_ec_key_pem();
  std::string pub = public_key_pem(key);
};

TEST_F(Jws, SignVerifyRoundTrip) {
  nlohmann::json claims = {{"sub", "INV1"}, {"exp", now() + 60}, {"nbf", now() - 1}};
  std::string token = jws_sign_es256(claims, key, "kid-1");
  auto res = jws_verify_es256(token, pub, now(), 0);
  ASSERT_TRUE(res.ok) << res.error;
  EXPECT_EQ(res.claims, claims);
  EXPECT_EQ(res.header["alg"], "ES256");
  EXPECT_EQ(res.header["kid"], "kid-1");
  // RFC 7518 3.4: the signature is raw R||S, 64 bytes.
  EXPECT_EQ(base64url_decode(token.substr(token.rfind('.') + 1)).size(), 64u);
}

TEST_F(Jws, TamperedPayloadAndWrongKey) {
  std::string token = jws_sign_es256({{"sub", "INV1"}, {"exp", now() + 60}}, key, "k");
  auto d1 = token.find('.'), d2 = token.rfind('.');
  std::string forged = token.substr(0, d1 + 1) +
                       base64url_encode(nlohmann::json({{"sub", "ADMIN"}, {"exp", now() + 60}}).dump()) +
                       token.substr(d2);
  EXPECT_EQ(jws_verify_es256(forged, pub, now(), 0).error, "bad_signature");

  std::string other = generate_ec_key_pem();
  std::string by_other = jws_sign_es256({{"exp", now() + 60}}, other, "k");
  EXPECT_EQ(jws_verify_es256(by_other, pub, now(), 0).error, "bad_signature");
  EXPECT_TRUE(jws_verify_es256(by_other, public_key_pem(other), now(), 0).ok);
}

TEST_F(Jws, RejectsOtherAlgorithms) {
  std::string payload = base64url_encode(nlohmann::json({{"exp", now() + 60}}).dump());
  for (const char* alg : {"none", "HS256", "RS256", "ES384"}) {
    std::string header = base64url_encode(nlohmann::json({{"alg", alg}, {"typ", "JWT"}}).dump());
    auto res = jws_verify_es256(header + "." + payload + "." + base64url_encode("sig"), pub, now(), 0);
    EXPECT_EQ(res.error, "unsupported_alg") << alg;
    EXPECT_FALSE(res.ok);
    EXPECT_EQ(jws_verify_es256(header + "." + payload + ".", pub, now(), 0).error, "unsupported_alg") << alg;
  }
}

TEST_F(Jws, ExpiryAndLeeway) {
  std::string token = jws_sign_es256({{"exp", now() - 10}}, key, "k");
  EXPECT_EQ(jws_verify_es256(token, pub, now(), 5).error, "expired");
  EXPECT_TRUE(jws_verify_es256(token, pub, now(), 30).ok);
  std::string early = jws_sign_es256({{"exp", now() + 600}, {"nbf", now() + 100}}, key, "k");
  EXPECT_EQ(jws_verify_es256(early, pub, now(), 10).error, "not_yet_valid");
  EXPECT_TRUE(jws_verify_es256(early, pub, now(), 200).ok);
  std::string no_exp = jws_sign_es256({{"sub", "x"}}, key, "k");
  EXPECT_FALSE(jws_verify_es256(no_exp, pub, now(), 0).ok);
}

TEST_F(Jws, MalformedNeverThrows) {
  for (const char* t : {"", ".", "..", "a.b.c", "a.b.c.d", "e30.e30.", "!!!.e30.AA"})
    EXPECT_EQ(jws_verify_es256(t, pub, now(), 0).error, "malformed") << t;
  std::string token = jws_sign_es256({{"exp", now() + 60}}, key, "k");
  EXPECT_EQ(jws_verify_es256(token, "not a key", now(), 0).error, "invalid_key");
}

TEST_F(Jws, JwkExport) {
  auto jwk = jwk_from_public_key_pem(pub, "kid-9");
  EXPECT_EQ(jwk["kty"], "EC");
  EXPECT_EQ(jwk["crv"], "P-256");
  EXPECT_EQ(jwk["kid"], "kid-9");
  EXPECT_EQ(jwk["use"], "sig");
  EXPECT_EQ(jwk["alg"], "ES256");
  EXPECT_EQ(base64url_decode(jwk["x"].get<std::string>()).size(), 32u);
  EXPECT_EQ(base64url_decode(jwk["y"].get<std::string>()).size(), 32u);
}

TEST(Files, AtomicWriteModes) {
  auto dir = std::filesystem::temp_directory_path() / ("capif-files-" + random_id(""));
  std::filesystem::create_directories(dir);
  auto secret = dir / "key.pem";
  write_file_atomic(secret, "s3cret", true);
  write_file_atomic(secret, "s3cret-2", true);  // replacing keeps the mode
  struct stat st {};
  ASSERT_EQ(::stat(secret.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(read_file(secret), "s3cret-2");

  auto pub = dir / "cert.pem";
  write_file_atomic(pub, "public", false);
  ASSERT_EQ(::stat(pub.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 2);  // no temp files left

  try {
    read_file(dir / "missing");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

namespace {
// X509v3 extendedKeyUsage flags (XKU_SSL_SERVER / XKU_SSL_CLIENT) of a PEM certificate.
std::uint32_t eku_of(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                                                   X509_free);
  if (!cert) return 0;
  return X509_get_extended_key_usage(cert.get());
}
}  // namespace

TEST(Pki, ClientCertIsClientAuthOnlyUnlessAlsoServer) {
  const auto& ca = test_ca();
  const std::string csr = make_csr_pem(generate_ec_key_pem(), "x");
  const auto client = eku_of(ca.issue_client_cert(csr, "INV1", 10));
  EXPECT_TRUE(client & XKU_SSL_CLIENT);
  EXPECT_FALSE(client & XKU_SSL_SERVER);
  // An AEF serves CAPIF-2e with its function certificate and calls the CCF with it.
  const auto aef = eku_of(ca.issue_client_cert(csr, "AEF1", 10, /*also_server_auth=*/true));
  EXPECT_TRUE(aef & XKU_SSL_CLIENT);
  EXPECT_TRUE(aef & XKU_SSL_SERVER);
}

TEST(Pki, SplitsAPemBundleIntoItsCertificates) {
  auto a = capif::crypto::CertificateAuthority::create("A", 1);
  auto b = capif::crypto::CertificateAuthority::create("B", 1);
  auto certs = capif::crypto::split_pem_certificates(a.cert_pem() + "comment\n" + b.cert_pem());
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(capif::crypto::inspect_cert(certs[0]).subject_cn, "A");
  EXPECT_EQ(capif::crypto::inspect_cert(certs[1]).subject_cn, "B");
  EXPECT_TRUE(capif::crypto::split_pem_certificates("no certificate here").empty());
}
