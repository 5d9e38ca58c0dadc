#include "capif/http/client.hpp"

#include "capif/http/uri.hpp"
#include "tls.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <deque>
#include <future>
#include <mutex>

namespace capif::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// The TLS context new connections are made with, and the settings its callbacks point into.
struct TlsSetup {
  explicit TlsSetup(tls::ClientTls c) : cfg(std::move(c)), ctx(tls::make_client_context(cfg)) {}
  tls::ClientTls cfg;
  ssl::context ctx;
  std::uint64_t generation = 0;  // connections of an older generation are not reused after a reload
};

// One connection; a plain-HTTP one uses the socket under the (never handshaken) TLS stream.
struct Connection {
  Connection(asio::any_io_executor ex, std::shared_ptr<TlsSetup> t, bool secure)
      : setup(std::move(t)), stream(ex, setup->ctx), secure(secure) {}
  std::shared_ptr<TlsSetup> setup;  // outlives the stream: declared first
  ssl::stream<tcp::socket> stream;
  beast::flat_buffer buffer;
  bool secure;
  TlsInfo info;
};

// Closes the socket if the scope is still running when the deadline passes, which fails the pending
// operation. The timer lives on the calling coroutine's executor, so its handler never runs concurrently
// with that coroutine, and the `live` flag stops a handler already queued from touching the socket after
// the scope ended (the connection may be pooled, reused elsewhere or destroyed by then).
class ScopedDeadline {
 public:
  ScopedDeadline(asio::any_io_executor ex, tcp::socket& socket, std::chrono::milliseconds d)
      : timer_(ex), live_(std::make_shared<bool>(true)) {
    timer_.expires_after(d);
    timer_.async_wait([live = live_, &socket](beast::error_code ec) {
      if (ec || !*live) return;
      beast::error_code ignored;
      socket.close(ignored);
    });
  }
  ~ScopedDeadline() {
    *live_ = false;
    timer_.cancel();
  }
  ScopedDeadline(const ScopedDeadline&) = delete;
  ScopedDeadline& operator=(const ScopedDeadline&) = delete;

 private:
  asio::steady_timer timer_;
  std::shared_ptr<bool> live_;
};
}  // namespace

const std::string* ClientResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? nullptr : &it->second;
}

struct HttpsClient::Impl {
  Impl(asio::any_io_executor ex, ClientConfig c)
      : executor(ex),
        cfg(std::move(c)),
        setup(std::make_shared<TlsSetup>(tls_settings(cfg.ca_pem, cfg.client_cert_pem, cfg.client_key_pem))) {
  }

  asio::any_io_executor executor;
  ClientConfig cfg;  // the PSK settings of the TLS contexts point into it
  std::mutex mutex;
  std::shared_ptr<TlsSetup> setup;  // under mutex: replaced by reload_tls
  std::map<std::string, std::deque<std::unique_ptr<Connection>>> idle;
  std::atomic<std::size_t> handshakes{0};

  tls::ClientTls tls_settings(const std::string& ca, const std::string& cert, const std::string& key) const {
    return {ca,
            cert,
            key,
            cfg.max_tls_version,
            cfg.psk_identity.empty() ? nullptr : &cfg.psk_identity,
            cfg.psk_identity.empty() ? nullptr : &cfg.psk_key};
  }

  std::shared_ptr<TlsSetup> current_setup() {
    std::lock_guard lock(mutex);
    return setup;
  }

  void reload_tls(const std::string& ca, const std::string& cert, const std::string& key) {
    auto fresh = std::make_shared<TlsSetup>(tls_settings(ca, cert, key));  // throws on bad material
    std::lock_guard lock(mutex);
    fresh->generation = setup->generation + 1;
    setup = std::move(fresh);
  }

  std::unique_ptr<Connection> take_idle(const std::string& origin) {
    std::unique_ptr<Connection> stale;  // closed outside the lock, by the caller that took it
    std::lock_guard lock(mutex);
    auto& q = idle[origin];
    while (!q.empty()) {
      auto c = std::move(q.back());
      q.pop_back();
      if (c->setup->generation == setup->generation) return c;
      stale = std::move(c);
    }
    return nullptr;
  }

  void give_back(const std::string& origin, std::unique_ptr<Connection> c) {
    std::lock_guard lock(mutex);
    auto& q = idle[origin];
    if (q.size() < cfg.max_idle_per_origin) q.push_back(std::move(c));
  }

  asio::awaitable<std::pair<std::unique_ptr<Connection>, std::string>> connect(const Url& url) {
    // Without an executor of its own, the client opens connections on the caller's event loop: a gateway
    // forwarding from its server threads then never hops to another thread.
    asio::any_io_executor ex = executor;
    if (!ex) ex = co_await asio::this_coro::executor;  // (not in ?: — GCC 12 double-destroys its temporaries)
    auto c = std::make_unique<Connection>(ex, current_setup(), url.secure);
    ScopedDeadline deadline(co_await asio::this_coro::executor, c->stream.next_layer(), cfg.connect_timeout);
    tcp::resolver resolver(ex);
    auto [rec, results] = co_await resolver.async_resolve(url.host, url.port, nothrow);
    if (rec) co_return std::pair{nullptr, "cannot resolve " + url.host + ": " + rec.message()};
    auto [cec, ep] = co_await asio::async_connect(c->stream.lowest_layer(), results, nothrow);
    if (cec) co_return std::pair{nullptr, "cannot connect to " + url.origin() + ": " + cec.message()};
    beast::error_code ignored;
    c->stream.lowest_layer().set_option(tcp::no_delay(true), ignored);
    if (!url.secure) {
      c->info.plaintext = true;
      co_return std::pair{std::move(c), std::string{}};
    }
    SSL* ssl = c->stream.native_handle();
    beast::error_code aec;
    asio::ip::make_address(url.host, aec);
    if (aec) SSL_set_tlsext_host_name(ssl, url.host.c_str());  // SNI only for names
    if (cfg.verify_host && cfg.expected_server_cn.empty()) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      if (!aec)
        X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
      else
        X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0);
    }
    auto [hec] = co_await c->stream.async_handshake(ssl::stream_base::client, nothrow);
    if (hec) co_return std::pair{nullptr, "TLS handshake with " + url.origin() + " failed: " + hec.message()};
    ++handshakes;
    c->info = tls::describe_session(ssl);
    if (!cfg.psk_identity.empty()) {
      // Never fall back silently: a server that did not take our PSK authenticated with something else.
      if (!tls::used_psk(ssl))
        co_return std::pair{nullptr,
                            "TLS-PSK with " + url.origin() + " refused: the server did not accept the PSK"};
      c->info.psk_identity = cfg.psk_identity;
    } else if (!cfg.expected_server_cn.empty() && c->info.server_cn != cfg.expected_server_cn) {
      co_return std::pair{nullptr, "server certificate of " + url.origin() + " is for '" + c->info.server_cn +
                                       "', expected '" + cfg.expected_server_cn + "'"};
    }
    co_return std::pair{std::move(c), std::string{}};
  }

  template <class S>
  asio::awaitable<ClientResponse> exchange_on(S& stream, Connection& c, const Url& url,
                                              const ClientRequest& r) {
    ClientResponse out;
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(r.method), url.target, 11};
    req.set(bhttp::field::host, url.host + ":" + url.port);
    req.set(bhttp::field::user_agent, "capif");
    for (const auto& [k, v] : r.headers) req.set(k, v);
    if (!r.content_type.empty()) req.set(bhttp::field::content_type, r.content_type);
    req.body() = r.body;
    req.keep_alive(true);
    req.prepare_payload();
    ScopedDeadline deadline(co_await asio::this_coro::executor, c.stream.next_layer(), cfg.request_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, req, nothrow);
    // A server may refuse a request before reading all of it (413, 401) and close: its answer can
    // still be waiting in our receive buffer, so try to read it before reporting the write error.
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(cfg.max_body_bytes);
    parser.header_limit(64 * 1024);
    auto [rec, rn] = co_await bhttp::async_read(stream, c.buffer, parser, nothrow);
    if (rec && wec) {
      out.error = "sending to " + url.origin() + " failed: " + wec.message();
      co_return out;
    }
    if (rec) {
      out.error =
          (c.stream.lowest_layer().is_open() ? "reading from " + url.origin() + " failed: " + rec.message()
                                             : "no answer from " + url.origin() + " within " +
                                                   std::to_string(cfg.request_timeout.count()) + " ms");
      co_return out;
    }
    auto& msg = parser.get();
    out.status = msg.result_int();
    for (const auto& f : msg) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char ch) { return std::tolower(ch); });
      out.headers[name] = std::string(f.value());
    }
    out.body = std::move(msg.body());
    if (!msg.keep_alive()) out.headers["x-capif-close"] = "1";
    co_return out;
  }

  asio::awaitable<ClientResponse> request(ClientRequest r) {
    auto url = parse_url(r.url);
    if (!url || (!url->secure && !cfg.allow_plain_http))
      co_return ClientResponse{"not an " + std::string(cfg.allow_plain_http ? "http(s)" : "https") +
                               " URL: " + r.url};
    const auto started = std::chrono::steady_clock::now();
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto conn = take_idle(url->origin());
      bool reused = static_cast<bool>(conn);
      if (!conn) {
        auto [c, err] = co_await connect(*url);
        if (!c) co_return ClientResponse{err};
        conn = std::move(c);
      }
      // (no co_await inside ?: — GCC 12 miscompiles the temporaries of a conditional co_await)
      ClientResponse resp;
      if (conn->secure)
        resp = co_await exchange_on(conn->stream, *conn, *url, r);
      else
        resp = co_await exchange_on(conn->stream.next_layer(), *conn, *url, r);
      resp.reused_connection = reused;
      resp.tls = conn->info;
      // A pooled connection the server closed while idle fails before any answer: retry once, fresh.
      // Not after a timeout: that server is slow, not gone, and the caller's time budget is spent.
      const bool quick = std::chrono::steady_clock::now() - started < cfg.request_timeout / 2;
      if (!resp.ok() && reused && attempt == 0 && quick) continue;
      if (resp.ok() && !resp.headers.erase("x-capif-close")) give_back(url->origin(), std::move(conn));
      co_return resp;
    }
    co_return ClientResponse{"unreachable"};
  }
};

HttpsClient::HttpsClient(asio::any_io_executor executor, ClientConfig config)
    : impl_(std::make_shared<Impl>(executor, std::move(config))) {}
HttpsClient::~HttpsClient() = default;

asio::awaitable<ClientResponse> HttpsClient::request(ClientRequest request) {
  auto keep = impl_;
  co_return co_await keep->request(std::move(request));
}

std::size_t HttpsClient::handshakes() const {
  return impl_->handshakes.load();
}

void HttpsClient::reload_tls(const std::string& ca_pem, const std::string& cert_pem,
                             const std::string& key_pem) {
  impl_->reload_tls(ca_pem, cert_pem, key_pem);
}

void HttpsClient::check_tls(const std::string& ca_pem, const std::string& cert_pem,
                            const std::string& key_pem) {
  tls::make_client_context({ca_pem, cert_pem, key_pem});
}

struct BlockingClient::Impl {
  explicit Impl(ClientConfig cfg) : client(ioc.get_executor(), std::move(cfg)) {}
  asio::io_context ioc;
  HttpsClient client;
};

BlockingClient::BlockingClient(ClientConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
BlockingClient::~BlockingClient() = default;

ClientResponse BlockingClient::request(ClientRequest request) {
  auto fut = asio::co_spawn(impl_->ioc, impl_->client.request(std::move(request)), asio::use_future);
  impl_->ioc.restart();
  impl_->ioc.run();
  return fut.get();
}

std::size_t BlockingClient::handshakes() const {
  return impl_->client.handshakes();
}

}  // namespace capif::http
