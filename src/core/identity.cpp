#include "capif/identity.hpp"

namespace capif {

std::string_view to_string(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::anonymous:
      return "anonymous";
    case PrincipalKind::invoker:
      return "API invoker";
    case PrincipalKind::aef:
      return "AEF";
    case PrincipalKind::apf:
      return "APF";
    case PrincipalKind::amf:
      return "AMF";
    case PrincipalKind::peer_ccf:
      return "peer CCF";
    case PrincipalKind::admin:
      return "admin";
  }
  return "unknown";
}

}  // namespace capif
