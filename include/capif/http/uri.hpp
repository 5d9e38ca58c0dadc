#pragma once
#include "capif/http/message.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace capif::http {

// Returns nullopt for a malformed escape ("%zz", truncated "%4").
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);
std::string percent_encode(std::string_view in);  // everything but RFC 3986 unreserved characters
std::optional<QueryParams> parse_query(std::string_view query);

struct Url {
  std::string host;
  std::string port;
  std::string target;  // path + query, at least "/"
  bool secure = true;  // https
  std::string origin() const { return (secure ? "https://" : "http://") + host + ":" + port; }
};
std::optional<Url> parse_https_url(std::string_view url);
std::optional<Url> parse_url(std::string_view url);  // https:// or http://

}  // namespace capif::http
