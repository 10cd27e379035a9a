#pragma once
// Shared helpers of the PostgreSQL integration tests: the server contract of
// scripts/services.sh (CIRRUS_PG_* with the script's defaults), a way to run a test body
// as a coroutine with a time limit, and the PG_CO_* checks of support/pg_coro.hpp.

#include <cirrus/postgres/postgres.hpp>

#include <support/pg_coro.hpp>
#include <support/services.hpp>

#include <boost/asio.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>

namespace pgtest {

namespace asio = boost::asio;
namespace pg = cirrus::postgres;
using cirrus::test::env_or;

inline constexpr auto tok = asio::as_tuple(asio::use_awaitable);

struct server {
    std::string run_dir = env_or("CIRRUS_RUN_DIR", "/tmp/cirrus-run");
    std::string host = env_or("CIRRUS_PG_HOST", "127.0.0.1");
    std::uint16_t port = static_cast<std::uint16_t>(std::stoi(env_or("CIRRUS_PG_PORT", "54329")));
    std::string database = env_or("CIRRUS_PG_DATABASE", "cirrus_test");
    std::string user = env_or("CIRRUS_PG_USER", "cirrus");
    std::string password = env_or("CIRRUS_PG_PASSWORD", "cirrus-scram-pw");
    std::string md5_user = env_or("CIRRUS_PG_MD5_USER", "cirrus_md5");
    std::string md5_password = env_or("CIRRUS_PG_MD5_PASSWORD", "cirrus-md5-pw");
    std::string plain_user = env_or("CIRRUS_PG_PASSWORD_USER", "cirrus_plain");
    std::string plain_password = env_or("CIRRUS_PG_PASSWORD_PASSWORD", "cirrus-plain-pw");
    std::string tls_user = env_or("CIRRUS_PG_TLS_USER", "cirrus_tls");
    std::string tls_password = env_or("CIRRUS_PG_TLS_PASSWORD", "cirrus-tls-pw");
    std::string ca_file = env_or("CIRRUS_PG_CA_FILE", (run_dir + "/postgres/ca.crt").c_str());
    std::string socket_dir = env_or("CIRRUS_PG_SOCKET_DIR", (run_dir + "/postgres").c_str());
};

inline const server& srv() {
    static const server s;
    return s;
}

// Parameters for the contract server; sslmode disable unless given.
inline pg::connect_params params(const std::string& user, const std::string& password,
                                 pg::ssl_mode mode = pg::ssl_mode::disable) {
    pg::connect_params p;
    p.hosts = {pg::host_spec{srv().host, srv().port, {}}};
    p.user = user;
    p.password = password;
    p.database = srv().database;
    p.ssl = mode;
    p.ssl_root_cert = srv().ca_file;
    p.application_name = "cirrus-tests";
    return p;
}

inline pg::connect_params scram_params(pg::ssl_mode mode = pg::ssl_mode::disable) {
    return params(srv().user, srv().password, mode);
}

// Runs a coroutine test body with a time limit (support/pg_coro.hpp).
template <class F>
void run(F body, std::chrono::seconds limit = std::chrono::seconds(60)) {
    cirrus::test::run_coroutine(std::move(body), limit);
}

// A connected session for the main user (fails the test and returns nullopt otherwise).
inline asio::awaitable<std::optional<pg::connection>> connect(pg::connect_params p = scram_params(),
                                                             pg::connection_options opts = {}) {
    pg::connection conn(co_await asio::this_coro::executor, opts);
    pg::diagnostics diag;
    auto [ec] = co_await conn.async_connect(p, diag, tok);
    if (ec) {
        ADD_FAILURE() << "connect: " << ec.message() << " / " << diag.what();
        co_return std::nullopt;
    }
    co_return std::optional<pg::connection>(std::move(conn));
}

} // namespace pgtest
