#pragma once
// Key derivations of TS 33.122 and TS 33.220.
#include <string>
#include <string_view>

namespace capif::crypto {

// TS 33.220 Annex B.2 generic KDF: HMAC-SHA-256(key, FC || P0 || L0 || P1 || L1 ...), Li = 2-byte
// big-endian length of Pi. Returns 32 raw bytes.
std::string kdf_33220(std::string_view key, unsigned char fc, std::initializer_list<std::string_view> params);

// AEFPSK, TS 33.122 Annex A.1: FC = 0x7A, P0 = the AEF interface string (model::aef_interface_string),
// P1 = the CAPIF-1e TLS session id (empty in the project's TLS 1.3 variant), key = the TLS master secret
// (or the TLS 1.3 exporter output). Returns 32 raw bytes.
std::string derive_aefpsk(std::string_view key, std::string_view interface_info, std::string_view session_id);

// Label of the TLS 1.3 exporter the project uses in place of the TLS 1.2 master secret (not in 33.122).
inline constexpr std::string_view kAefpskExporterLabel = "EXPORTER-3GPP-CAPIF-AEFPSK";

}  // namespace capif::crypto
