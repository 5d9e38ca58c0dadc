#pragma once
// The server side of an accepted websocket upgrade (private to the HTTP server). Runs on the connection's
// strand: the read loop and every send are serialised there, so the stream is never used concurrently.
#include "capif/http/websocket.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <atomic>

namespace capif::http::detail {

template <class S>
class ServerWebSocket : public WebSocket, public std::enable_shared_from_this<ServerWebSocket<S>> {
 public:
  ServerWebSocket(boost::beast::websocket::stream<S&>& ws, boost::asio::any_io_executor strand,
                  std::chrono::milliseconds write_timeout)
      : ws_(ws), strand_(std::move(strand)), write_timeout_(write_timeout) {}

  boost::asio::awaitable<bool> send(std::string text) override {
    namespace asio = boost::asio;
    auto self = this->shared_from_this();
    // Named first: GCC 12 may destroy temporaries of a co_await full-expression twice.
    auto write_op = self->write(std::move(text));
    co_return co_await asio::co_spawn(strand_, std::move(write_op), asio::use_awaitable);
  }
  bool open() const override { return !closed_; }
  void close() override {
    // On the strand, like every use of the stream: cancelling the pending read ends the session's loop.
    boost::asio::post(strand_, [self = this->shared_from_this()] {
      self->closed_ = true;
      boost::system::error_code ignored;
      boost::beast::get_lowest_layer(self->ws_).cancel(ignored);
    });
  }

  // Strand only.
  void mark_closed() { closed_ = true; }
  bool writing() const { return writing_ > 0; }

 private:
  boost::asio::awaitable<bool> write(std::string text) {
    namespace asio = boost::asio;
    if (closed_) co_return false;
    ++writing_;
    // A peer that stops reading must not hold a notification forever: past the deadline the socket
    // operations are cancelled, which also ends the session's read loop.
    asio::steady_timer deadline(strand_);
    deadline.expires_after(write_timeout_);
    const auto gen = ++generation_;
    deadline.async_wait([this, gen, self = this->shared_from_this()](boost::system::error_code ec) {
      if (ec || closed_ || gen != generation_) return;  // a late handler of a finished write
      boost::system::error_code ignored;
      boost::beast::get_lowest_layer(ws_).cancel(ignored);
    });
    ws_.text(true);
    auto [ec, n] = co_await ws_.async_write(asio::buffer(text), asio::as_tuple(asio::use_awaitable));
    ++generation_;
    deadline.cancel();
    --writing_;
    if (ec) closed_ = true;
    co_return !ec;
  }

  boost::beast::websocket::stream<S&>& ws_;
  boost::asio::any_io_executor strand_;
  std::chrono::milliseconds write_timeout_;
  std::atomic<bool> closed_{false};
  int writing_ = 0;
  std::uint64_t generation_ = 0;
};

// Completes the handshake of `req` on `stream`, hands the connection to accept.on_open, reads until the
// peer closes (or the idle timeout with pings, or `stopping`), then waits for sends in flight.
template <class S, class Req>
boost::asio::awaitable<void> serve_websocket(S& stream, Req& req, WebSocketAccept& accept,
                                             std::chrono::milliseconds handshake_timeout,
                                             std::chrono::milliseconds idle_timeout, std::size_t max_message,
                                             const std::atomic<bool>& stopping) {
  namespace asio = boost::asio;
  namespace websocket = boost::beast::websocket;
  constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
  websocket::stream<S&> ws(stream);
  websocket::stream_base::timeout t;
  t.handshake_timeout = handshake_timeout;
  t.idle_timeout = idle_timeout;
  t.keep_alive_pings = true;
  ws.set_option(t);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& r) { r.set(boost::beast::http::field::server, "capif"); }));
  ws.read_message_max(max_message);
  auto [aec] = co_await ws.async_accept(req, nothrow);
  if (aec) co_return;
  auto strand = co_await asio::this_coro::executor;
  auto conn = std::make_shared<ServerWebSocket<S>>(ws, strand, accept.write_timeout);
  try {
    if (accept.on_open) accept.on_open(conn);
  } catch (const std::exception&) {
    conn->mark_closed();
  }
  boost::beast::flat_buffer in;
  while (conn->open() && !stopping) {
    auto [ec, n] = co_await ws.async_read(in, nothrow);
    if (ec) break;
    in.consume(in.size());  // the subscriber has nothing to say on this channel
  }
  conn->mark_closed();
  try {
    if (accept.on_close) accept.on_close();
  } catch (const std::exception&) {
  }
  asio::steady_timer wait(strand);
  while (conn->writing()) {
    wait.expires_after(std::chrono::milliseconds(5));
    co_await wait.async_wait(nothrow);
  }
  if (ws.is_open()) co_await ws.async_close(websocket::close_code::going_away, nothrow);
}

}  // namespace capif::http::detail
