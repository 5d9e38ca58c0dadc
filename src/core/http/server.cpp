#include "capif/http/server.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/log_executor.hpp"
#include "capif/metrics.hpp"
#include "capif/problem.hpp"
#include "tls.hpp"
#include "websocket_session.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>

#include "capif/http/uri.hpp"

namespace capif::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
using Stream = ssl::stream<tcp::socket>;

// A per-connection deadline: when it fires, pending socket operations are cancelled (not the socket
// closed) so the session can still answer 408 to a client that is too slow.
struct Deadline {
  explicit Deadline(Stream& s) : stream(s), timer(s.get_executor()) {}
  void arm(std::chrono::milliseconds d) {
    expired = false;
    timer.expires_after(d);
    // A handler queued just before a disarm must not cancel the operation armed after it: the
    // generation tells them apart (all of this runs on the connection's strand).
    timer.async_wait([this, alive = alive, gen = ++generation](beast::error_code ec) {
      if (ec || !*alive || gen != generation) return;
      expired = true;
      beast::error_code ignored;
      stream.lowest_layer().cancel(ignored);
    });
  }
  void disarm() {
    ++generation;
    timer.cancel();
  }
  ~Deadline() { *alive = false; }
  Stream& stream;
  asio::steady_timer timer;
  bool expired = false;
  std::uint64_t generation = 0;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

Response problem_response(const ApiError& e, const std::string& instance) {
  auto r = Response::json(e.status(), e.to_problem_json(instance).dump(), kProblemJson);
  if (!e.challenge().empty()) r.with_header("WWW-Authenticate", e.challenge());
  return r;
}

std::string request_id(const Request& req) {
  if (const auto* given = req.header("x-request-id");
      given && !given->empty() && given->size() <= 64 &&
      std::all_of(given->begin(), given->end(),
                  [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; }))
    return *given;
  return crypto::random_id("");
}

Request to_request(bhttp::request<bhttp::string_body>& msg) {
  Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  for (const auto& f : msg) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    auto [it, inserted] = r.headers.emplace(name, std::string(f.value()));
    if (!inserted) it->second += ", " + std::string(f.value());
  }
  r.body = std::move(msg.body());
  return r;
}

bhttp::response<bhttp::string_body> to_beast(Response&& resp, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(resp.status), version};
  out.set(bhttp::field::server, "capif");
  if (!resp.content_type.empty()) out.set(bhttp::field::content_type, resp.content_type);
  for (auto& [k, v] : resp.headers) out.insert(k, v);
  out.body() = std::move(resp.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}
}  // namespace

struct Server::Impl {
  Impl(ServerConfig c, Router r, Authenticator a)
      : cfg(std::move(c)),
        router(std::move(r)),
        authenticate(std::move(a)),
        ioc(std::max(1, cfg.threads)),
        acceptor(ioc),
        signals(ioc) {
    ssl_ctx = make_context(cfg.cert_chain_pem, cfg.key_pem);  // in the body: it reads added_anchors
  }

  ServerConfig cfg;
  Router router;
  Authenticator authenticate;
  asio::io_context ioc;
  // The context new connections get. A certificate reload (SIGHUP) swaps it; each session holds the one
  // it started with, so established connections keep working on the old certificate.
  std::mutex ctx_mutex;
  std::shared_ptr<ssl::context> ssl_ctx;
  std::string added_anchors;  // client trust added at run time, carried into reloaded contexts
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<bool> stopping{false};

  std::shared_ptr<ssl::context> make_context(const std::string& chain_pem, const std::string& key_pem) {
    if (cfg.plaintext) return std::make_shared<ssl::context>(ssl::context::tls_server);
    return std::make_shared<ssl::context>(
        tls::make_server_context({chain_pem, key_pem, cfg.client_ca_pem + added_anchors, cfg.min_tls_version,
                                  cfg.psk_lookup ? &cfg.psk_lookup : nullptr}));
  }

  std::shared_ptr<ssl::context> current_context() {
    std::lock_guard lock(ctx_mutex);
    return ssl_ctx;
  }

  void reload_tls(const ServerTlsMaterial& m) {
    if (cfg.plaintext) throw std::logic_error("a plaintext server has no certificate");
    std::string client_ca, anchors;
    {
      std::lock_guard lock(ctx_mutex);
      client_ca = m.client_ca_pem.value_or(cfg.client_ca_pem);
      anchors = added_anchors;
    }
    auto fresh = std::make_shared<ssl::context>(tls::make_server_context(
        {m.cert_chain_pem, m.key_pem, client_ca + anchors, cfg.min_tls_version,
         cfg.psk_lookup ? &cfg.psk_lookup : nullptr}));  // throws on a bad or mismatched pair, bad anchors
    std::lock_guard lock(ctx_mutex);
    if (added_anchors != anchors)
      tls::add_trust_anchors(fresh->native_handle(), added_anchors.substr(anchors.size()));
    cfg.client_ca_pem = std::move(client_ca);
    ssl_ctx = std::move(fresh);
  }

  // SIGINT/SIGTERM stop; SIGHUP (when the daemon gave on_sighup) reloads key material and waits again.
  void wait_signal() {
    signals.async_wait([this](beast::error_code ec, int signo) {
      if (ec) return;
      if (signo != SIGHUP) {
        begin_stop();
        return;
      }
      try {
        cfg.on_sighup();
      } catch (const std::exception& e) {
        spdlog::error("SIGHUP: nothing reloaded, keeping the current certificates and keys: {}", e.what());
      }
      wait_signal();
    });
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto strand = asio::make_strand(ioc);
      auto [ec, socket] = co_await acceptor.async_accept(strand, nothrow);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      if (connections.load() >= cfg.limits.max_connections) {
        spdlog::warn("connection limit {} reached; refusing {}", cfg.limits.max_connections,
                     socket.remote_endpoint(ec).address().to_string());
        socket.close(ec);
        continue;
      }
      // The connection's coroutine runs with its LogContext current (capif/log_executor.hpp): the id of the
      // request being served is in every line logged meanwhile, by handlers and services too.
      auto log = std::make_shared<LogContext>();
      LogContextExecutor ex(std::move(strand), log);
      asio::co_spawn(ex, session(std::move(socket), log), [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("connection ended by an unexpected error: {}", ex.what());
        }
      });
    }
  }

  template <class S>
  asio::awaitable<void> write_and_count(S& stream, Deadline& deadline, Response&& resp, unsigned version,
                                        bool keep_alive, bool& failed) {
    auto msg = to_beast(std::move(resp), version, keep_alive);
    deadline.arm(cfg.limits.write_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream, msg, nothrow);
    deadline.disarm();
    failed = static_cast<bool>(ec);
  }

  asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<LogContext> log) {
    ++connections;
    struct Release {
      std::atomic<std::size_t>& n;
      ~Release() { --n; }
    } release{connections};
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::string remote = socket.remote_endpoint(ignored).address().to_string();
    const auto ctx = current_context();  // outlives the stream: declared first
    Stream stream(std::move(socket), *ctx);
    Deadline deadline(stream);

    if (cfg.plaintext) {
      TlsInfo info;
      info.plaintext = true;
      info.remote_address = remote;
      co_await serve(stream.next_layer(), deadline, info, *log);
      stream.lowest_layer().close(ignored);
      co_return;
    }
    tls::PskState psk;
    tls::attach(stream.native_handle(), &psk);
    deadline.arm(cfg.limits.handshake_timeout);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, nothrow);
    deadline.disarm();
    tls::attach(stream.native_handle(), nullptr);
    if (hec) {
      count_handshake("unknown", "failed");
      co_return;
    }
    TlsInfo tls_info = tls::describe_session(stream.native_handle(), &psk);
    tls_info.remote_address = remote;
    count_handshake(!tls_info.psk_identity.empty()   ? "psk"
                    : tls_info.client_cert_presented ? "certificate"
                                                     : "server_only",
                    "ok");
    co_await serve(stream, deadline, tls_info, *log);
    deadline.arm(std::chrono::milliseconds(1000));
    co_await stream.async_shutdown(nothrow);
    deadline.disarm();
    stream.lowest_layer().close(ignored);
  }

  template <class S>
  asio::awaitable<void> serve(S& stream, Deadline& deadline, const TlsInfo& tls_info, LogContext& log) {
    beast::flat_buffer buffer;
    for (;;) {
      if (buffer.size() == 0) {  // keep-alive: wait for the first byte of the next request
        deadline.arm(stopping ? std::chrono::milliseconds(1) : cfg.limits.idle_timeout);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), nothrow);
        deadline.disarm();
        if (ec) break;
        buffer.commit(n);
      }
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(cfg.limits.header_bytes));
      parser.body_limit(cfg.limits.body_bytes);
      deadline.arm(cfg.limits.read_timeout);
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, nothrow);
      if (!ec && parser.get()[bhttp::field::expect] == "100-continue" && !parser.is_done()) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser.get().version()};
        auto [wec, wn] = co_await bhttp::async_write(stream, cont, nothrow);
        ec = wec;
      }
      if (!ec && !parser.is_done())
        std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, nothrow);
      bool timed_out = deadline.expired;
      deadline.disarm();
      if (ec) {
        std::optional<ApiError> err;
        if (timed_out)
          err = ApiError(
              408, "Request Timeout",
              "request not received within " + std::to_string(cfg.limits.read_timeout.count()) + " ms",
              "REQUEST_TIMEOUT");
        else if (ec == bhttp::error::body_limit)
          err = ApiError(413, "Payload Too Large",
                         "request body exceeds " + std::to_string(cfg.limits.body_bytes) + " bytes",
                         "PAYLOAD_TOO_LARGE");
        else if (ec == bhttp::error::header_limit)
          err = ApiError(431, "Request Header Fields Too Large",
                         "request header exceeds " + std::to_string(cfg.limits.header_bytes) + " bytes",
                         "HEADER_TOO_LARGE");
        else if (ec != bhttp::error::end_of_stream && ec != asio::error::eof &&
                 ec != asio::ssl::error::stream_truncated)
          err = ApiError::bad_request("malformed HTTP request: " + ec.message());
        if (err) {
          bool failed = false;
          co_await write_and_count(stream, deadline, problem_response(*err, ""), 11, false, failed);
          // Lingering close (RFC 9112 9.6): a client still sending the rejected body would get a
          // reset instead of our answer if we closed now; read and drop what it sends, bounded.
          if (!failed && !timed_out) co_await drain(stream, deadline);
        }
        break;
      }
      auto& msg = parser.get();
      unsigned version = msg.version();
      bool keep_alive = msg.keep_alive();
      ++in_flight;
      Request req = to_request(msg);
      const auto started = metrics::now_ns();
      // Every answer carries X-Request-Id: the caller's when it sent a sane one (so a chain of services
      // shares one id), else a fresh one. Handlers see it as the request's x-request-id header.
      const std::string rid = request_id(req);
      req.headers["x-request-id"] = rid;
      log.request_id = rid;  // until the answer is written
      std::string api = "unmatched";
      Response resp = co_await dispatch(req, tls_info, api);
      resp.headers.emplace_back("X-Request-Id", rid);
      count_request(api, resp.status, metrics::seconds_since(started));
      spdlog::debug("{} {} -> {} ({}, {:.1f} ms)", req.method, req.path, resp.status, tls_info.remote_address,
                    metrics::seconds_since(started) * 1000);
      --in_flight;
      if (resp.websocket) {
        if (beast::websocket::is_upgrade(msg)) {
          co_await detail::serve_websocket(stream, msg, *resp.websocket, cfg.limits.handshake_timeout,
                                           cfg.limits.idle_timeout, cfg.limits.body_bytes, stopping);
          break;
        }
        resp = problem_response(
            ApiError(426, "Upgrade Required",
                     "this resource is a websocket: send a websocket upgrade request", "UPGRADE_REQUIRED"),
            req.path);
        resp.with_header("Upgrade", "websocket");
      }
      keep_alive = keep_alive && !stopping;
      bool failed = false;
      co_await write_and_count(stream, deadline, std::move(resp), version, keep_alive, failed);
      log.request_id.clear();
      if (failed || !keep_alive) break;
    }
  }

  template <class S>
  asio::awaitable<void> drain(S& stream, Deadline& deadline) {
    constexpr std::size_t kMaxDrain = 64 * 1024 * 1024;
    std::array<char, 16384> sink;
    std::size_t total = 0;
    deadline.arm(std::chrono::milliseconds(2000));
    while (total < kMaxDrain) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), nothrow);
      if (ec) break;
      total += n;
    }
    deadline.disarm();
  }

  // Prometheus series of this listener (docs/operations.md); none when metrics_listener is empty.
  void count_handshake(const char* method, const char* result) {
    if (cfg.metrics_listener.empty()) return;
    metrics::Registry::global().inc(
        "capif_tls_handshakes_total",
        {{"listener", cfg.metrics_listener}, {"method", method}, {"result", result}});
  }

  void count_request(const std::string& api, int status, double seconds) {
    if (cfg.metrics_listener.empty()) return;
    auto& m = metrics::Registry::global();
    m.inc("capif_http_requests_total",
          {{"listener", cfg.metrics_listener}, {"api", api}, {"status", std::to_string(status)}});
    m.observe("capif_http_request_duration_seconds", {{"listener", cfg.metrics_listener}, {"api", api}},
              seconds);
  }

  // api: set to the first path segment once a route matches (bounded by the route table, unlike paths).
  asio::awaitable<Response> dispatch(Request& req, const TlsInfo& tls_info, std::string& api) {
    std::string instance;
    try {
      auto q = req.target.find('?');
      auto path = percent_decode(std::string_view(req.target).substr(0, q), false);
      std::optional<QueryParams> query =
          q == std::string::npos ? QueryParams{} : parse_query(std::string_view(req.target).substr(q + 1));
      if (!path || !query) throw ApiError::bad_request("malformed percent-encoding in the request target");
      req.path = std::move(*path);
      req.query = std::move(*query);
      instance = req.path;
      auto found = router.find(req.method, req.path);
      if (!found.handler) {
        if (!found.allowed_methods.empty()) {
          std::string allow;
          for (const auto& m : found.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
          auto r = problem_response(
              ApiError(405, "Method Not Allowed", req.method + " is not allowed here", "METHOD_NOT_ALLOWED"),
              instance);
          co_return std::move(r.with_header("Allow", allow));
        }
        throw ApiError::not_found("no resource at " + req.path);
      }
      if (auto segments = split_path(req.path); !segments.empty()) api = segments.front();
      RequestContext ctx{req, tls_info, authenticate(tls_info), std::move(found.params)};
      const RouteOptions& opts = *found.options;
      if (opts.auth == ClientAuth::required && !ctx.principal.authenticated()) {
        if (!tls_info.client_cert_presented)
          throw ApiError::unauthorized(
              "this operation requires mutual TLS with a certificate issued by the CCF");
        if (!tls_info.client_cert_verified)
          throw ApiError::unauthorized("client certificate is not issued by this CCF or is not valid now");
        throw ApiError::unauthorized("client certificate is not (or no longer) registered at this CCF");
      }
      if (ctx.principal.authenticated() && !opts.roles.empty() &&
          std::find(opts.roles.begin(), opts.roles.end(), ctx.principal.kind) == opts.roles.end()) {
        std::string roles;
        for (auto k : opts.roles) roles += (roles.empty() ? "" : " or ") + std::string(to_string(k));
        throw ApiError::forbidden("this operation is for an " + roles + ", not an " +
                                  std::string(to_string(ctx.principal.kind)));
      }
      co_return co_await (*found.handler)(ctx);
    } catch (const ApiError& e) {
      co_return problem_response(e, instance);
    } catch (const std::exception& e) {
      spdlog::error("{} {} failed: {}", req.method, req.target, e.what());
      co_return problem_response(ApiError::internal("internal error"), instance);
    }
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    spdlog::info("shutting down: no new connections, finishing requests in flight");
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    asio::co_spawn(ioc, drain(), asio::detached);
  }

  asio::awaitable<void> drain() {
    asio::steady_timer t(ioc);
    for (int i = 0; i < 100 && in_flight.load() > 0; ++i) {
      t.expires_after(std::chrono::milliseconds(50));
      co_await t.async_wait(nothrow);
    }
    ioc.stop();
  }
};

Server::Server(ServerConfig config, Router router, Authenticator authenticator)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(router), std::move(authenticator))) {}

Server::~Server() = default;

std::uint16_t Server::listen() {
  auto& i = *impl_;
  beast::error_code ec;
  tcp::endpoint ep(asio::ip::make_address(i.cfg.address, ec), i.cfg.port);
  if (!ec) i.acceptor.open(ep.protocol(), ec);
  if (!ec) i.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) i.acceptor.bind(ep, ec);
  if (!ec) i.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + i.cfg.address + ":" + std::to_string(i.cfg.port) + ": " +
                             ec.message());
  return i.acceptor.local_endpoint().port();
}

void Server::run() {
  auto& i = *impl_;
  if (i.cfg.handle_signals) {
    i.signals.add(SIGINT);
    i.signals.add(SIGTERM);
    if (i.cfg.on_sighup) i.signals.add(SIGHUP);
    i.wait_signal();
  }
  asio::co_spawn(i.acceptor.get_executor(), i.accept_loop(), asio::detached);
  std::vector<std::thread> workers;
  for (int t = 1; t < std::max(1, i.cfg.threads); ++t) workers.emplace_back([&i] { i.ioc.run(); });
  i.ioc.run();
  for (auto& w : workers) w.join();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

void Server::reload_tls(const ServerTlsMaterial& material) {
  impl_->reload_tls(material);
}

boost::asio::any_io_executor Server::executor() {
  return impl_->ioc.get_executor();
}

void Server::add_client_trust_anchor(const std::string& ca_pem) {
  if (impl_->cfg.plaintext) throw std::logic_error("a plaintext server has no TLS trust store");
  std::lock_guard lock(impl_->ctx_mutex);
  tls::add_trust_anchors(impl_->ssl_ctx->native_handle(), ca_pem);
  impl_->added_anchors += ca_pem;
}

}  // namespace capif::http
