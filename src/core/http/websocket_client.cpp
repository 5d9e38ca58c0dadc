#include "capif/http/uri.hpp"
#include "capif/http/websocket.hpp"
#include "tls.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <variant>

namespace capif::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct BlockingWebSocket::Impl {
  explicit Impl(ClientConfig c)
      : cfg(std::move(c)),
        tls_cfg{cfg.ca_pem, cfg.client_cert_pem, cfg.client_key_pem, cfg.max_tls_version, nullptr, nullptr},
        ctx(tls::make_client_context(tls_cfg)) {}

  using Secure = websocket::stream<ssl::stream<tcp::socket>>;
  using Plain = websocket::stream<tcp::socket>;

  ClientConfig cfg;
  tls::ClientTls tls_cfg;
  ssl::context ctx;
  asio::io_context ioc;
  std::variant<std::monostate, std::unique_ptr<Secure>, std::unique_ptr<Plain>> ws;
  beast::flat_buffer buffer;

  // Runs the operation on the private loop for at most `timeout`; false when it did not finish in time.
  template <class Op>
  bool run_for(std::chrono::milliseconds timeout, Op&& op) {
    bool done = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          co_await op();
          done = true;
        },
        asio::detached);
    ioc.restart();
    ioc.run_for(timeout);
    if (!done) {
      close_socket();
      ioc.restart();
      ioc.run_for(std::chrono::milliseconds(100));  // let the cancelled operation unwind
    }
    return done;
  }

  void close_socket() {
    beast::error_code ignored;
    if (auto* s = std::get_if<std::unique_ptr<Secure>>(&ws)) beast::get_lowest_layer(**s).close(ignored);
    if (auto* p = std::get_if<std::unique_ptr<Plain>>(&ws)) beast::get_lowest_layer(**p).close(ignored);
  }

  template <class W>
  asio::awaitable<std::string> handshake(W& w, const Url& url) {
    constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
    w.read_message_max(cfg.max_body_bytes);  // a message larger than the client's body limit ends the read
    websocket::response_type rsp;
    const std::string host = url.host + ":" + url.port;  // named: no temporaries in a co_await (GCC 12)
    auto [ec] = co_await w.async_handshake(rsp, host, url.target, nothrow);
    if (ec)
      co_return "websocket handshake failed: " + ec.message() + " (HTTP " + std::to_string(rsp.result_int()) +
          ")";
    co_return std::string{};
  }

  asio::awaitable<std::string> connect(Url url) {
    constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
    tcp::resolver resolver(ioc);
    auto [rec, results] = co_await resolver.async_resolve(url.host, url.port, nothrow);
    if (rec) co_return "cannot resolve " + url.host + ": " + rec.message();
    if (!url.secure) {
      auto p = std::make_unique<Plain>(ioc);
      auto [cec, ep] = co_await asio::async_connect(beast::get_lowest_layer(*p), results, nothrow);
      if (cec) co_return "cannot connect: " + cec.message();
      auto& ref = *p;
      ws = std::move(p);
      co_return co_await handshake(ref, url);
    }
    auto s = std::make_unique<Secure>(ioc, ctx);
    auto [cec, ep] = co_await asio::async_connect(beast::get_lowest_layer(*s), results, nothrow);
    if (cec) co_return "cannot connect: " + cec.message();
    SSL* native = s->next_layer().native_handle();
    beast::error_code aec;
    asio::ip::make_address(url.host, aec);
    if (aec) SSL_set_tlsext_host_name(native, url.host.c_str());
    if (cfg.verify_host) {
      X509_VERIFY_PARAM* param = SSL_get0_param(native);
      if (!aec)
        X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
      else
        X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0);
    }
    auto [hec] = co_await s->next_layer().async_handshake(ssl::stream_base::client, nothrow);
    if (hec) co_return "TLS handshake failed: " + hec.message();
    auto& ref = *s;
    ws = std::move(s);
    co_return co_await handshake(ref, url);
  }

  template <class W>
  asio::awaitable<std::optional<std::string>> read_on(W& w) {
    auto [ec, n] = co_await w.async_read(buffer, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return std::nullopt;
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    co_return text;
  }
};

BlockingWebSocket::BlockingWebSocket(ClientConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {}
BlockingWebSocket::~BlockingWebSocket() = default;

std::string BlockingWebSocket::connect(const std::string& url) {
  std::string u = url;
  if (u.rfind("wss://", 0) == 0)
    u = "https://" + u.substr(6);
  else if (u.rfind("ws://", 0) == 0)
    u = "http://" + u.substr(5);
  auto parsed = parse_url(u);
  if (!parsed || (!parsed->secure && !impl_->cfg.allow_plain_http)) return "not a websocket URL: " + url;
  std::string error = "websocket connection timed out";
  impl_->run_for(impl_->cfg.connect_timeout,
                 [&]() -> asio::awaitable<void> { error = co_await impl_->connect(*parsed); });
  return error;
}

std::optional<std::string> BlockingWebSocket::read(std::chrono::milliseconds timeout) {
  std::optional<std::string> out;
  impl_->run_for(timeout, [&]() -> asio::awaitable<void> {
    if (auto* s = std::get_if<std::unique_ptr<Impl::Secure>>(&impl_->ws)) out = co_await impl_->read_on(**s);
    if (auto* p = std::get_if<std::unique_ptr<Impl::Plain>>(&impl_->ws)) out = co_await impl_->read_on(**p);
  });
  return out;
}

void BlockingWebSocket::close() {
  impl_->close_socket();
}

}  // namespace capif::http
