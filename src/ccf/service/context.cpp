#include "ccf/service/context.hpp"

#include "capif/crypto/error.hpp"
#include "capif/crypto/pki.hpp"

namespace capif::ccf {

std::string issue_certificate(const CcfContext& ctx, const std::string& csr_pem, const std::string& id,
                              const std::string& pointer, bool also_server_auth) {
  try {
    return ctx.pki.ca.issue_client_cert(csr_pem, id, ctx.config.certificates.client_days, also_server_auth);
  } catch (const crypto::CryptoError& e) {
    throw ApiError::bad_request("the public key is not a valid PEM certificate signing request",
                                {{pointer, e.what()}});
  }
}

std::string fingerprint_of(const std::string& cert_pem) {
  return crypto::inspect_cert(cert_pem).fingerprint_sha256;
}

}  // namespace capif::ccf
