#pragma once
// How every cirrus operation starts, runs and completes (docs/async.md).
//
// Each client operation is `async_<name>(arguments..., [diagnostics&,] token)` and
// completes with void(error_code) or void(error_code, Result). The token is any Asio
// completion token; without one it is cirrus::default_token, asio::deferred wrapped in
// with_diagnostics, so
//
//   auto got = co_await s3.async_get_object(req);       // throws error_with_diagnostics
//   co_await s3.async_get_object(req, asio::use_awaitable); // throws system_error
//   s3.async_get_object(req, [](error_code ec, s3::get_object_result r) { ... });
//
// The rules, the same for every client:
// - Exceptions never cross a completion handler. A coroutine of the library that throws
//   (std::bad_alloc, or a caller's callback that throws) completes the operation with an
//   error_code, and the exception's text goes to the diagnostics.
// - Diagnostics: with a `diagnostics&` argument the server's code, message and request id
//   are written there. Without one they are kept in the operation and (on failure) copied
//   to the client's last_diagnostics(); with_diagnostics(token) turns a failure into an
//   error_with_diagnostics exception that carries them.
// - The completion handler's associated executor, allocator and cancellation slot are
//   honoured: the handler runs on its executor, the operation's state is allocated with
//   its allocator, and a cancellation emitted on its slot stops the operation.
// - Arguments are moved into the operation's own state before anything runs, so a braced
//   temporary request is safe with every token, deferred included.

#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/recycling_allocator.hpp>
#include <boost/system/system_error.hpp>
#include <boost/version.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace cirrus {

// A completion token adapter: an operation that would complete with (error_code, args...)
// completes the wrapped token with (std::exception_ptr, args...) instead, the exception
// carrying the operation's diagnostics. Used on cirrus operations it throws
// error_with_diagnostics (or a client's subclass); on any other Asio operation, a plain
// system_error.
template <class Token>
struct with_diagnostics_t {
    constexpr with_diagnostics_t() = default;
    template <class T>
        requires std::constructible_from<Token, T&&>
    constexpr explicit with_diagnostics_t(T&& t) : token(std::forward<T>(t)) {}

    Token token{};
};

template <class Token>
constexpr with_diagnostics_t<std::decay_t<Token>> with_diagnostics(Token&& token) {
    return with_diagnostics_t<std::decay_t<Token>>(std::forward<Token>(token));
}

// The token of every operation called without one.
using default_token = with_diagnostics_t<boost::asio::deferred_t>;

namespace detail {

namespace asio = boost::asio;

// Handlers made by with_diagnostics_t.
template <class Handler>
struct diagnostics_handler {
    Handler handler;

    template <class... Args>
    void operator()(error_code ec, Args&&... args) {
        std::exception_ptr e;
        if (ec) e = std::make_exception_ptr(boost::system::system_error(ec));
        std::move(handler)(e, std::forward<Args>(args)...);
    }

    template <class Diag, class... Args>
    void complete_with_diagnostics(error_code ec, const Diag* diag, Args&&... args) {
        std::exception_ptr e;
        if (ec) e = diag ? make_exception_ptr_for(ec, *diag) : std::make_exception_ptr(boost::system::system_error(ec));
        std::move(handler)(e, std::forward<Args>(args)...);
    }
};

template <class T>
struct is_diagnostics_handler : std::false_type {};
template <class H>
struct is_diagnostics_handler<diagnostics_handler<H>> : std::true_type {};

template <class Initiation>
struct diagnostics_initiation {
    Initiation initiation;

    template <class Handler, class... Args>
    void operator()(Handler&& handler, Args&&... args) {
        std::move(initiation)(diagnostics_handler<std::decay_t<Handler>>{std::forward<Handler>(handler)},
                              std::forward<Args>(args)...);
    }
};

template <class Sig>
struct exception_signature;
template <class... Args>
struct exception_signature<void(error_code, Args...)> {
    using type = void(std::exception_ptr, Args...);
};

// ---------------------------------------------------------------------------- operations
//
// An operation is described by an Op type:
//
//   struct my_op {
//       using result_type = R;                  // or void
//       using diagnostics_type = cirrus::diagnostics;
//       static constexpr cancellation_mode cancellation = cancellation_mode::forward;
//       asio::awaitable<error_code> start(diagnostics_type& d, R& out);    // forward, R
//       asio::awaitable<error_code> start(diagnostics_type& d);            // forward, void
//       asio::awaitable<error_code> start(diagnostics_type& d, R& out,     // notify
//                                         const std::shared_ptr<cancel_signal>& sig);
//   };
//
// start() is called once, after the Op has been moved into the operation's state, so the
// coroutine it returns may refer to the Op's members and to `out` until it completes.

// What a cancellation on the handler's slot does.
enum class cancellation_mode {
    forward, // reaches the coroutine's cancellation state: the awaited I/O is cancelled
    notify,  // calls cancel_signal::on_cancel; the operation decides (PostgreSQL cancels
             // the query on the server and keeps reading to the end of its answer)
};

// Cancellation requests of one operation in notify mode, emitted on its executor.
struct cancel_signal {
    std::function<void(asio::cancellation_type_t)> on_cancel;
    bool requested = false;
    void emit(asio::cancellation_type_t t) {
        requested = true;
        if (on_cancel) on_cancel(t);
    }
};

// The handler-independent part of a running operation, completed by launch().
class pending_op {
public:
    // The handler's cancellation slot in forward mode (co_spawn connects it).
    asio::cancellation_slot forward_slot;
    // Called once on the operation's executor when its coroutine ends.
    virtual void finish(std::exception_ptr e, error_code ec) = 0;

protected:
    ~pending_op() = default;
};

// The error_code for an exception that escaped an operation; its text goes to `message`
// when that is empty.
CIRRUS_DECL error_code exception_to_error(std::exception_ptr e, std::string& message) noexcept;

// Runs `body` on `ex` and calls op->finish with its outcome.
CIRRUS_DECL void launch(const asio::any_io_executor& ex, asio::awaitable<error_code> body, pending_op* op);

template <class Op>
using op_result_t = typename Op::result_type;
template <class Op>
using op_diagnostics_t = typename Op::diagnostics_type;

template <class R>
struct op_signature {
    using type = void(error_code, R);
};
template <>
struct op_signature<void> {
    using type = void(error_code);
};
template <class Op>
using op_signature_t = typename op_signature<op_result_t<Op>>::type;

struct no_result {};
template <class R>
using result_storage_t = std::conditional_t<std::is_void_v<R>, no_result, R>;

template <class Handler, class Op>
class op_state final : public pending_op {
public:
    using diag_type = op_diagnostics_t<Op>;
    using result_type = op_result_t<Op>;
    using handler_executor = asio::associated_executor_t<Handler, asio::any_io_executor>;
    using allocator_type = typename std::allocator_traits<
        asio::associated_allocator_t<Handler, asio::recycling_allocator<void>>>::template rebind_alloc<op_state>;

    template <class H>
    op_state(H&& h, const asio::any_io_executor& ex, Op&& op, diag_type* diag, diag_type* keep_last)
        : handler_(std::forward<H>(h)), work_(asio::get_associated_executor(handler_, ex)), op_(std::move(op)),
          diag_(diag != nullptr ? diag : &own_diag_), keep_last_(diag != nullptr ? nullptr : keep_last) {
        diag_->clear();
    }

    static allocator_type allocator_for(const Handler& h) {
        return allocator_type(asio::get_associated_allocator(h, asio::recycling_allocator<void>()));
    }

    asio::awaitable<error_code> start(const asio::any_io_executor& ex) {
        if constexpr (Op::cancellation == cancellation_mode::notify) {
            signal_ = std::make_shared<cancel_signal>();
            slot_ = asio::get_associated_cancellation_slot(handler_);
            if (slot_.is_connected()) {
                slot_.assign([sig = signal_, ex](asio::cancellation_type_t t) {
                    asio::dispatch(ex, [sig, t] { sig->emit(t); });
                });
            }
            return op_.start(*diag_, result_, signal_);
        } else {
            forward_slot = asio::get_associated_cancellation_slot(handler_);
            if constexpr (std::is_void_v<result_type>) return op_.start(*diag_);
            else return op_.start(*diag_, result_);
        }
    }

    void finish(std::exception_ptr e, error_code ec) override {
        if constexpr (Op::cancellation == cancellation_mode::notify) {
            if (slot_.is_connected()) slot_.clear();
        }
        if (e) ec = exception_to_error(e, diag_->message);
        if (ec && keep_last_ != nullptr) *keep_last_ = *diag_;

        // Everything the handler needs leaves the state, which is freed before the
        // handler runs (so the handler may start the next operation in its memory).
        Handler handler(std::move(handler_));
        auto work = std::move(work_);
        result_storage_t<result_type> result(std::move(result_));
        std::optional<diag_type> diag;
        if (ec && is_diagnostics_handler<Handler>::value) {
            if (diag_ == &own_diag_) diag.emplace(std::move(own_diag_));
            else diag.emplace(*diag_);
        }
        auto alloc = allocator_for(handler);
        std::allocator_traits<allocator_type>::destroy(alloc, this);
        std::allocator_traits<allocator_type>::deallocate(alloc, this, 1);

        auto ex = work.get_executor();
        asio::dispatch(ex, asio::bind_allocator(alloc, [handler = std::move(handler), ec, diag = std::move(diag),
                                                        result = std::move(result)]() mutable {
                           if constexpr (is_diagnostics_handler<Handler>::value) {
                               const diag_type* d = diag ? &*diag : nullptr;
                               if constexpr (std::is_void_v<result_type>) handler.complete_with_diagnostics(ec, d);
                               else handler.complete_with_diagnostics(ec, d, std::move(result));
                           } else {
                               if constexpr (std::is_void_v<result_type>) std::move(handler)(ec);
                               else std::move(handler)(ec, std::move(result));
                           }
                       }));
    }

private:
    Handler handler_;
    asio::executor_work_guard<handler_executor> work_;
    Op op_;
    diag_type own_diag_;
    diag_type* diag_;
    diag_type* keep_last_;
    result_storage_t<result_type> result_{};
    std::shared_ptr<cancel_signal> signal_;
    asio::cancellation_slot slot_;
};

template <class Op>
struct op_initiation {
    using executor_type = asio::any_io_executor;
    executor_type executor;
    executor_type get_executor() const noexcept { return executor; }

    template <class Handler>
    void operator()(Handler&& handler, Op op, op_diagnostics_t<Op>* diag, op_diagnostics_t<Op>* keep_last) const {
        using state_type = op_state<std::decay_t<Handler>, Op>;
        auto alloc = state_type::allocator_for(handler);
        state_type* state = std::allocator_traits<decltype(alloc)>::allocate(alloc, 1);
        try {
            std::allocator_traits<decltype(alloc)>::construct(alloc, state, std::forward<Handler>(handler), executor,
                                                              std::move(op), diag, keep_last);
        } catch (...) {
            std::allocator_traits<decltype(alloc)>::deallocate(alloc, state, 1);
            throw;
        }
        launch(executor, state->start(executor), state);
    }
};

// Starts operation `op` on `ex`: the one way every client starts an operation.
// `diag` is the caller's diagnostics (null: the operation keeps its own), `keep_last`
// where the diagnostics of a failure without the caller's go (null: nowhere).
template <class Op, class Token>
auto async_op(const asio::any_io_executor& ex, Token&& token, Op op, op_diagnostics_t<Op>* diag,
              op_diagnostics_t<Op>* keep_last) {
    return asio::async_initiate<Token, op_signature_t<Op>>(op_initiation<Op>{ex}, token, std::move(op), diag,
                                                           keep_last);
}

// Accepts anything but a diagnostics object as a completion token, so that
// async_x(req, diag) picks the overload with diagnostics.
template <class T>
concept completion_token = !std::is_base_of_v<diagnostics, std::remove_cvref_t<T>>;

} // namespace detail
} // namespace cirrus

template <class Token, class... Args>
struct boost::asio::async_result<cirrus::with_diagnostics_t<Token>, void(cirrus::error_code, Args...)>
    : boost::asio::async_result<Token, void(std::exception_ptr, Args...)> {
    using base = boost::asio::async_result<Token, void(std::exception_ptr, Args...)>;

    template <class Initiation, class RawToken, class... InitArgs>
    static auto initiate(Initiation&& initiation, RawToken&& token, InitArgs&&... args) {
        return base::initiate(cirrus::detail::diagnostics_initiation<std::decay_t<Initiation>>{std::forward<Initiation>(
                                  initiation)},
                              std::forward<RawToken>(token).token, std::forward<InitArgs>(args)...);
    }
};

template <template <class, class> class Associator, class Handler, class DefaultCandidate>
struct boost::asio::associator<Associator, cirrus::detail::diagnostics_handler<Handler>, DefaultCandidate>
    : Associator<Handler, DefaultCandidate> {
    static typename Associator<Handler, DefaultCandidate>::type get(
        const cirrus::detail::diagnostics_handler<Handler>& h) noexcept {
        return Associator<Handler, DefaultCandidate>::get(h.handler);
    }
    static auto get(const cirrus::detail::diagnostics_handler<Handler>& h, const DefaultCandidate& c) noexcept
        -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler, c)) {
        return Associator<Handler, DefaultCandidate>::get(h.handler, c);
    }
};

#if BOOST_VERSION < 108200
// Boost 1.80 and 1.81 cannot co_await an operation (a deferred one, say) that completes
// with (std::exception_ptr, T): the handler tests the result struct instead of its
// exception pointer and fails to compile (chriskohlhoff/asio#1190). with_diagnostics
// produces that signature, so cirrus brings this handler for its executor, more
// specialized than Asio's and correct.
namespace boost::asio::detail {
template <class T>
class awaitable_async_op_handler<void(std::exception_ptr, T), any_io_executor>
    : public awaitable_thread<any_io_executor> {
public:
    struct result_type {
        std::exception_ptr* ex_;
        T* value_;
    };

    awaitable_async_op_handler(awaitable_thread<any_io_executor>* h, result_type& result)
        : awaitable_thread<any_io_executor>(std::move(*h)), result_(result) {}

    void operator()(std::exception_ptr ex, T value) {
        result_.ex_ = &ex;
        result_.value_ = &value;
        this->entry_point()->top_of_stack_->attach_thread(this);
        this->entry_point()->top_of_stack_->clear_cancellation_slot();
        this->pump();
    }

    static T resume(result_type& result) {
        if (*result.ex_) std::rethrow_exception(std::exchange(*result.ex_, nullptr));
        return std::move(*result.value_);
    }

private:
    result_type& result_;
};
} // namespace boost::asio::detail
#endif

#if CIRRUS_HEADER_ONLY
#include <cirrus/core/impl/async_op.ipp>
#endif
