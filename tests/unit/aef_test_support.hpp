#pragma once
// Fakes and helpers shared by the capif-aef unit tests.
#include "aef/ccf_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <functional>
#include <vector>

namespace capif::aef::test {

template <class T>
T run_sync(boost::asio::awaitable<T> a) {
  boost::asio::io_context ioc;
  auto f = boost::asio::co_spawn(ioc, std::move(a), boost::asio::use_future);
  ioc.run();
  return f.get();
}

inline CcfReply reply(int status, nlohmann::json body = nullptr) {
  CcfReply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

class FakeCcf final : public CcfClient {
 public:
  std::map<std::string, CcfReply> trusted;  // invoker -> answer (absent: 404)
  std::map<std::string, CcfReply> acl;      // apiId + "/" + invoker -> answer (absent: 404)
  CcfReply jwks_reply = reply(503);
  std::function<CcfReply(const nlohmann::json&)> on_logs = [](const nlohmann::json&) { return reply(201); };
  std::vector<nlohmann::json> posted_logs;
  int trusted_calls = 0, acl_calls = 0, jwks_calls = 0;
  std::vector<std::string> trusted_onboarded_ccf_ids;  // the onboardedCcfId of each trusted_invoker call

  boost::asio::awaitable<CcfReply> trusted_invoker(std::string id, std::string onboarded_ccf_id) override {
    ++trusted_calls;
    trusted_onboarded_ccf_ids.push_back(onboarded_ccf_id);
    auto it = trusted.find(id);
    co_return it == trusted.end() ? reply(404) : it->second;
  }
  boost::asio::awaitable<CcfReply> access_control_policy(std::string api, std::string inv) override {
    ++acl_calls;
    auto it = acl.find(api + "/" + inv);
    co_return it == acl.end() ? reply(404) : it->second;
  }
  boost::asio::awaitable<CcfReply> jwks() override {
    ++jwks_calls;
    co_return jwks_reply;
  }
  boost::asio::awaitable<CcfReply> post_logs(std::string body) override {
    auto log = nlohmann::json::parse(body);
    auto r = on_logs(log);
    if (r.ok()) posted_logs.push_back(log);
    co_return r;
  }
};

}  // namespace capif::aef::test
