#pragma once
// Definitions for core/async_op.hpp, compiled once with CIRRUS_SEPARATE_COMPILATION.

#include <cirrus/core/async_op.hpp>

#include <boost/asio/co_spawn.hpp>

#include <new>

namespace cirrus::detail {

CIRRUS_DECL error_code exception_to_error(std::exception_ptr e, std::string& message) noexcept {
    try {
        std::rethrow_exception(e);
    } catch (const boost::system::system_error& se) {
        return se.code();
    } catch (const std::bad_alloc&) {
        return make_error_code(boost::system::errc::not_enough_memory);
    } catch (const std::exception& ex) {
        try {
            if (message.empty()) message = std::string("unexpected exception: ") + ex.what();
        } catch (...) {
        }
        return make_error_code(errc::unexpected_exception);
    } catch (...) {
        try {
            if (message.empty()) message = "unexpected exception";
        } catch (...) {
        }
        return make_error_code(errc::unexpected_exception);
    }
}

// co_spawn's completion for every operation: one type, so co_spawn is instantiated once.
struct launch_completion {
    pending_op* op;

    using cancellation_slot_type = asio::cancellation_slot;
    cancellation_slot_type get_cancellation_slot() const noexcept { return op->forward_slot; }

    void operator()(std::exception_ptr e, error_code ec) const { op->finish(e, ec); }
};

CIRRUS_DECL void launch(const asio::any_io_executor& ex, asio::awaitable<error_code> body, pending_op* op) {
    asio::co_spawn(ex, std::move(body), launch_completion{op});
}

} // namespace cirrus::detail
