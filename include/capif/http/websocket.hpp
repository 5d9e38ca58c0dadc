#pragma once
// Websockets (RFC 6455), text messages only: the server side a handler accepts (Response::accept_websocket)
// and a blocking client for tools and tests. TS 29.122 clause 5.2.5.4 delivers notifications this way to
// a subscriber that cannot be reached by HTTP callbacks: it opens the websocket, the server pushes.
#include "capif/http/client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace capif::http {

// A server-side websocket. May be used from any thread; each send runs on the connection's strand.
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  // One text message; false when the connection is closed or the write failed or timed out.
  virtual boost::asio::awaitable<bool> send(std::string text) = 0;
  virtual bool open() const = 0;
  // Ends the connection, from any thread: the read loop stops, then the server sends the close frame.
  virtual void close() = 0;
};

// What a handler returns to accept an upgrade request: the server completes the handshake, calls
// on_open with the connection, reads (and drops) what the peer sends until it closes, then calls on_close.
struct WebSocketAccept {
  std::function<void(std::shared_ptr<WebSocket>)> on_open;
  std::function<void()> on_close;
  std::chrono::milliseconds write_timeout{10000};
};

// A client for tools and tests: wss:// (or ws:// when allow_plain_http) with the config's certificates.
class BlockingWebSocket {
 public:
  explicit BlockingWebSocket(ClientConfig config);
  ~BlockingWebSocket();
  // Connects and completes the upgrade; returns "" or what failed (an HTTP refusal shows its status).
  std::string connect(const std::string& url);
  // The next text message, or nullopt when the connection ended or the timeout passed (which closes it).
  std::optional<std::string> read(std::chrono::milliseconds timeout);
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capif::http
