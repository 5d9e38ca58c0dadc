#pragma once
// Who is calling: built per request from the verified client certificate and the store,
// never from a request body, a path segment or a certificate name prefix.
#include <string>
#include <string_view>

namespace capif {

enum class PrincipalKind { anonymous, invoker, aef, apf, amf, peer_ccf, admin };

struct Principal {
  PrincipalKind kind = PrincipalKind::anonymous;
  std::string id;      // apiInvokerId, apiProvFuncId or CCF id
  std::string domain;  // apiProvDomId for provider functions

  bool authenticated() const { return kind != PrincipalKind::anonymous; }
};

std::string_view to_string(PrincipalKind kind);

}  // namespace capif
