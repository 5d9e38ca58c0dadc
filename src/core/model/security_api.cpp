#include "capif/model/security_api.hpp"

#include <algorithm>
#include <cctype>

namespace capif::model {

bool from_json(const nlohmann::json& j, SecurityInformation& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("interfaceDetails", out.interfaceDetails);
  r.opt("aefId", out.aefId, check_non_empty);
  r.opt("apiId", out.apiId, check_non_empty);
  r.req("prefSecurityMethods", out.prefSecurityMethods, 1);
  r.opt("selSecurityMethod", out.selSecurityMethod);
  r.opt("authenticationInfo", out.authenticationInfo);
  r.opt("authorizationInfo", out.authorizationInfo);
  r.opt("authorizationFlow", out.authorizationFlow, 1);
  r.opt("designatedCcfId", out.designatedCcfId, check_non_empty);
  r.opt("designatedCcfTrustAnchor", out.designatedCcfTrustAnchor);
  const bool intf = r.has("interfaceDetails"), aef = r.has("aefId");
  if (intf && aef) r.fail(pointer, "must contain only one of interfaceDetails or aefId");
  if (!intf && !aef) r.fail(pointer, "one of interfaceDetails or aefId is required");
  return r.ok();
}

bool from_json(const nlohmann::json& j, ServiceSecurity& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("securityInfo", out.securityInfo, 1);
  r.req("notificationDestination", out.notificationDestination, check_uri);
  r.opt("requestTestNotification", out.requestTestNotification);
  r.opt_object("websockNotifConfig", out.websockNotifConfig);
  r.opt("supportedFeatures", out.supportedFeatures, check_supported_features);
  return r.ok();
}

bool from_json(const nlohmann::json& j, SecurityNotification& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("apiInvokerId", out.apiInvokerId, check_non_empty);
  r.opt("aefId", out.aefId, check_non_empty);
  r.req("apiIds", out.apiIds, 1);
  r.req("cause", out.cause, check_non_empty);
  return r.ok();
}

bool from_json(const nlohmann::json& j, AccessTokenRsp& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("access_token", out.access_token, check_non_empty);
  r.req("token_type", out.token_type);
  if (r.has("token_type") && out.token_type != "Bearer") r.fail(r.at("token_type"), "must be Bearer");
  std::optional<std::int64_t> exp;
  r.opt_int("expires_in", exp);
  if (!r.has("expires_in")) r.fail(r.at("expires_in"), "is required");
  out.expires_in = exp.value_or(0);
  r.opt("scope", out.scope);
  return r.ok();
}

bool from_json(const nlohmann::json& j, AccessTokenErr& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("error", out.error, check_non_empty);
  r.opt("error_description", out.error_description);
  r.opt("error_uri", out.error_uri, check_uri);
  return r.ok();
}

nlohmann::json to_json(const SecurityInformation& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "interfaceDetails", v.interfaceDetails);
  put(j, "aefId", v.aefId);
  put(j, "apiId", v.apiId);
  j["prefSecurityMethods"] = to_json(v.prefSecurityMethods);
  put(j, "selSecurityMethod", v.selSecurityMethod);
  put(j, "authenticationInfo", v.authenticationInfo);
  put(j, "authorizationInfo", v.authorizationInfo);
  put(j, "authorizationFlow", v.authorizationFlow);
  put(j, "designatedCcfId", v.designatedCcfId);
  put(j, "designatedCcfTrustAnchor", v.designatedCcfTrustAnchor);
  return j;
}

nlohmann::json to_json(const ServiceSecurity& v) {
  nlohmann::json j{{"securityInfo", to_json(v.securityInfo)},
                   {"notificationDestination", v.notificationDestination}};
  put(j, "requestTestNotification", v.requestTestNotification);
  put(j, "websockNotifConfig", v.websockNotifConfig);
  put(j, "supportedFeatures", v.supportedFeatures);
  return j;
}

nlohmann::json to_json(const SecurityNotification& v) {
  nlohmann::json j{{"apiInvokerId", v.apiInvokerId}};
  put(j, "aefId", v.aefId);
  j["apiIds"] = to_json(v.apiIds);
  j["cause"] = v.cause;
  return j;
}

nlohmann::json to_json(const AccessTokenRsp& v) {
  nlohmann::json j{
      {"access_token", v.access_token}, {"token_type", v.token_type}, {"expires_in", v.expires_in}};
  put(j, "scope", v.scope);
  return j;
}

nlohmann::json to_json(const AccessTokenErr& v) {
  nlohmann::json j{{"error", v.error}};
  put(j, "error_description", v.error_description);
  put(j, "error_uri", v.error_uri);
  return j;
}

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding (WHATWG URL, RFC 6749 appendix B): '+' is a space.
std::optional<std::string> form_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = hex_digit(in[i + 1]), lo = hex_digit(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

bool valid_scope_token(std::string_view s) {
  // RFC 6749 3.3 scope-token characters, minus the grammar's own separators.
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ':' && c != ',' && c != ';' && c != '#';
  });
}
}  // namespace

std::optional<AccessTokenReq> parse_access_token_req(std::string_view body, std::string& error) {
  AccessTokenReq out;
  std::vector<std::string> seen;
  std::size_t pos = 0;
  while (pos <= body.size() && !body.empty()) {
    const std::size_t amp = std::min(body.find('&', pos), body.size());
    const std::string_view pair = body.substr(pos, amp - pos);
    pos = amp + 1;
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      auto name = form_decode(pair.substr(0, eq));
      auto value = form_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
      if (!name || !value) {
        error = "malformed percent-encoding in the form body";
        return std::nullopt;
      }
      if (std::find(seen.begin(), seen.end(), *name) != seen.end()) {
        error = "parameter " + *name + " is repeated";
        return std::nullopt;
      }
      seen.push_back(*name);
      // Empty values count as absent (RFC 6749 3.1).
      if (value->empty()) continue;
      if (*name == "grant_type")
        out.grant_type = *value;
      else if (*name == "client_id")
        out.client_id = *value;
      else if (*name == "client_secret")
        out.client_secret = *value;
      else if (*name == "scope")
        out.scope = *value;
      else if (*name == "resOwnerId")
        out.resOwnerId = *value;
      else if (*name == "authCode")
        out.authCode = *value;
      // Other parameters are ignored (RFC 6749 3.1: unrecognised parameters MUST be ignored).
    }
    if (amp == body.size()) break;
  }
  if (out.grant_type.empty()) {
    error = "grant_type is required";
    return std::nullopt;
  }
  if (out.client_id.empty()) {
    error = "client_id is required";
    return std::nullopt;
  }
  return out;
}

std::optional<std::vector<ScopeEntry>> parse_scope(std::string_view scope, std::string& error) {
  constexpr std::string_view kPrefix = "3gpp#";
  if (scope.substr(0, kPrefix.size()) != kPrefix) {
    error = "scope must start with 3gpp#";
    return std::nullopt;
  }
  std::string_view rest = scope.substr(kPrefix.size());
  std::vector<ScopeEntry> out;
  while (true) {
    const std::size_t semi = rest.find(';');
    const std::string_view group = rest.substr(0, semi);
    const std::size_t colon = group.find(':');
    if (colon == std::string_view::npos) {
      error = "scope group '" + std::string(group) + "' must be aefId:apiName[,apiName...]";
      return std::nullopt;
    }
    ScopeEntry e{std::string(group.substr(0, colon)), {}};
    if (!valid_scope_token(e.aefId)) {
      error = "scope group '" + std::string(group) + "' has an empty or invalid aefId";
      return std::nullopt;
    }
    for (const auto& other : out)
      if (other.aefId == e.aefId) {
        error = "aefId " + e.aefId + " appears twice in the scope";
        return std::nullopt;
      }
    std::string_view names = group.substr(colon + 1);
    while (true) {
      const std::size_t comma = names.find(',');
      const std::string_view name = names.substr(0, comma);
      if (!valid_scope_token(name)) {
        error = "scope group '" + std::string(group) + "' has an empty or invalid apiName";
        return std::nullopt;
      }
      if (std::find(e.apiNames.begin(), e.apiNames.end(), name) == e.apiNames.end())
        e.apiNames.emplace_back(name);
      if (comma == std::string_view::npos) break;
      names = names.substr(comma + 1);
    }
    out.push_back(std::move(e));
    if (semi == std::string_view::npos) break;
    rest = rest.substr(semi + 1);
  }
  return out;
}

std::string format_scope(const std::vector<ScopeEntry>& scope) {
  std::string s = "3gpp#";
  for (std::size_t i = 0; i < scope.size(); ++i) {
    if (i) s += ';';
    s += scope[i].aefId + ':';
    for (std::size_t k = 0; k < scope[i].apiNames.size(); ++k) s += (k ? "," : "") + scope[i].apiNames[k];
  }
  return s;
}

}  // namespace capif::model
