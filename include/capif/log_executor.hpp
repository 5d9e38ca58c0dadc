#pragma once
// An executor that makes a LogContext current (capif/logging.hpp) around every piece of work it runs.
//
// A coroutine spawned on LogContextExecutor(strand, ctx) is resumed through this executor after every
// co_await (Asio dispatches an awaitable's completions through the coroutine's executor), so any line logged
// while the coroutine runs, down in handlers and services, carries ctx's request id; when the coroutine
// suspends, the thread's previous context is back, so coroutines interleaved on one thread never see each
// other's id. Everything else (properties, equality) is the inner executor's.
#include "capif/logging.hpp"

#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace capif {

template <class Inner>
class LogContextExecutor {
 public:
  LogContextExecutor(Inner inner, std::shared_ptr<LogContext> ctx) noexcept
      : inner_(std::move(inner)), ctx_(std::move(ctx)) {}

  const Inner& inner_executor() const noexcept { return inner_; }
  const std::shared_ptr<LogContext>& log_context() const noexcept { return ctx_; }

  template <class Property>
  requires boost::asio::can_query<const Inner&, Property>::value decltype(auto) query(const Property& p) const
      noexcept(boost::asio::is_nothrow_query<const Inner&, Property>::value) {
    return boost::asio::query(inner_, p);
  }

  template <class Property>
  requires boost::asio::can_require<const Inner&, Property>::value auto require(const Property& p) const
      noexcept(boost::asio::is_nothrow_require<const Inner&, Property>::value) {
    using Result = std::decay_t<typename boost::asio::require_result<const Inner&, Property>::type>;
    return LogContextExecutor<Result>(boost::asio::require(inner_, p), ctx_);
  }

  template <class Property>
  requires boost::asio::can_prefer<const Inner&, Property>::value auto prefer(const Property& p) const
      noexcept(boost::asio::is_nothrow_prefer<const Inner&, Property>::value) {
    using Result = std::decay_t<typename boost::asio::prefer_result<const Inner&, Property>::type>;
    return LogContextExecutor<Result>(boost::asio::prefer(inner_, p), ctx_);
  }

  template <class Function>
  void execute(Function&& f) const {
    inner_.execute([ctx = ctx_, f = std::forward<Function>(f)]() mutable {
      LogContextScope scope(ctx.get());
      std::move(f)();
    });
  }

  friend bool operator==(const LogContextExecutor& a, const LogContextExecutor& b) noexcept {
    return a.inner_ == b.inner_ && a.ctx_ == b.ctx_;
  }
  friend bool operator!=(const LogContextExecutor& a, const LogContextExecutor& b) noexcept {
    return !(a == b);
  }

 private:
  Inner inner_;
  std::shared_ptr<LogContext> ctx_;
};

}  // namespace capif
