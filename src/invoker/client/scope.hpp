#pragma once
// The OAuth scope grammar of TS 29.222 5.6.2.3: "3gpp#aefId1:apiName1,apiName2;aefId2:apiName3".
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capif::invoker {

using ScopeMap = std::map<std::string, std::vector<std::string>>;  // aefId -> apiNames (in order)

// Throws InvokerError(usage) on an empty map, an empty id/name or one containing '#', ';', ':', ',' or space.
std::string build_scope(const ScopeMap& aef_apis);
// nullopt unless the text follows the grammar (only the first space-separated "3gpp#" scope is read).
std::optional<ScopeMap> parse_scope(std::string_view scope);
bool scope_covers(std::string_view scope, const std::string& aef_id, const std::string& api_name);

}  // namespace capif::invoker
