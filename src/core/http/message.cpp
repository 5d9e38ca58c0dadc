#include "capif/http/message.hpp"

#include "capif/http/websocket.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace capif::http {

const std::string* Request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? nullptr : &it->second;
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::string Request::media_type() const {
  const std::string* ct = header("content-type");
  if (!ct) return {};
  std::string mt = ct->substr(0, ct->find(';'));
  mt.erase(std::remove_if(mt.begin(), mt.end(), [](unsigned char c) { return std::isspace(c); }), mt.end());
  std::transform(mt.begin(), mt.end(), mt.begin(), [](unsigned char c) { return std::tolower(c); });
  return mt;
}

std::optional<std::string> Request::bearer_token() const {
  return parse_bearer(header("authorization"));
}

std::optional<std::string> parse_bearer(const std::string* h) {
  constexpr std::string_view kScheme = "bearer ";
  if (!h || h->size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>((*h)[i])) != kScheme[i]) return std::nullopt;
  auto first = h->find_first_not_of(' ', kScheme.size());
  auto last = h->find_last_not_of(' ');
  if (first == std::string::npos) return std::nullopt;
  return h->substr(first, last - first + 1);
}

Response Response::json(int status, const std::string& body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = body;
  r.content_type = std::move(content_type);
  return r;
}

Response Response::accept_websocket(std::shared_ptr<WebSocketAccept> accept) {
  Response r;
  r.status = 101;
  r.websocket = std::move(accept);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  return r;
}

Response& Response::with_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

const std::string& RequestContext::param(const std::string& name) const {
  auto it = path_params.find(name);
  if (it == path_params.end()) throw std::logic_error("route has no path parameter " + name);
  return it->second;
}

}  // namespace capif::http
