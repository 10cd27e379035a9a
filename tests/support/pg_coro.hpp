#pragma once
// Running a PostgreSQL test body as a coroutine with a time limit, and fatal checks that
// work inside coroutines (gtest's ASSERT_* would `return`, which a coroutine cannot).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <exception>

namespace cirrus::test {

// Runs a coroutine test body on a fresh io_context; fails if it does not finish in time
// and rethrows what it threw.
template <class F>
void run_coroutine(F body, std::chrono::seconds limit = std::chrono::seconds(60)) {
    boost::asio::io_context ioc;
    std::exception_ptr error;
    bool done = false;
    boost::asio::co_spawn(ioc, body(), [&](std::exception_ptr e) {
        error = e;
        done = true;
        ioc.stop(); // helpers the body left running (fake servers) end with the context
    });
    ioc.run_for(limit);
    ASSERT_TRUE(done) << "the test coroutine did not finish within " << limit.count() << " s";
    if (error) std::rethrow_exception(error);
}

} // namespace cirrus::test

#define PG_CO_CHECK(ec, diag)                                                                  \
    do {                                                                                       \
        if (auto pg_ec_ = (ec)) {                                                              \
            ADD_FAILURE() << #ec << ": " << pg_ec_.message() << " / " << (diag).what();       \
            co_return;                                                                         \
        }                                                                                      \
    } while (0)

#define PG_CO_REQUIRE(cond)                                                                    \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            ADD_FAILURE() << "required: " #cond;                                               \
            co_return;                                                                         \
        }                                                                                      \
    } while (0)
