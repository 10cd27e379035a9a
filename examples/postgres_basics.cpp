// PostgreSQL basics with cirrus: connect over TLS, create a table, insert rows with a
// prepared statement inside a transaction, read them back as typed rows, stream a large
// result in batches, share the connection among coroutines (their queries pipelined),
// handle a constraint error, cancel a slow query with a timeout, and
// load CSV batches with COPY (the UCI Adult data set of tests/data/adult, normalised
// line by line as it streams), then serve concurrent requests from a connection pool
// and hear them with LISTEN/NOTIFY.
//
//   postgres_basics ["postgresql://user:password@host:port/db?sslmode=verify-full&sslrootcert=ca.crt"]
//
// CIRRUS_ADULT_DIR names the folder of adult.data and adult.test (default
// tests/data/adult, relative to the working directory); without it the COPY part is
// skipped.
// Without an argument it connects to the local test server of scripts/services.sh
// (CIRRUS_PG_* variables, with the same defaults).

#include <cirrus/postgres/postgres.hpp>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/describe.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace asio = boost::asio;
namespace pg = cirrus::postgres;
using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;

struct book {
    std::int64_t id;
    std::string title;
    std::optional<std::string> author;
    pg::numeric price;
    std::vector<std::string> tags;
};
BOOST_DESCRIBE_STRUCT(book, (), (id, title, author, price, tags))

namespace {

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

std::string default_conninfo() {
    std::string run_dir = env_or("CIRRUS_RUN_DIR", "/tmp/cirrus-run");
    // Keyword/value form; quoted values may hold spaces and quotes.
    return "host=" + env_or("CIRRUS_PG_HOST", "127.0.0.1") + " port=" + env_or("CIRRUS_PG_PORT", "54329") +
           " dbname=" + env_or("CIRRUS_PG_DATABASE", "cirrus_test") + " user=" + env_or("CIRRUS_PG_USER", "cirrus") +
           " password='" + env_or("CIRRUS_PG_PASSWORD", "cirrus-scram-pw") + "'" +
           " sslmode=verify-full sslrootcert='" + env_or("CIRRUS_PG_CA_FILE", run_dir + "/postgres/ca.crt") + "'" +
           " application_name=postgres_basics";
}

// A COPY source that reads an Adult file line by line and sends plain CSV: no space after
// the commas, no empty line, no "|1x3 Cross validator" line, labels without the test
// file's final period. At most ~256 KiB is held at a time.
pg::copy_source adult_csv_source(const std::string& path) {
    auto in = std::make_shared<std::ifstream>(path);
    return [in](cirrus::buffer& chunk) -> asio::awaitable<cirrus::error_code> {
        if (!*in && !in->eof()) co_return std::make_error_code(std::errc::no_such_file_or_directory);
        std::string line;
        while (chunk.size() < 256 * 1024 && std::getline(*in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty() || line[0] == '|') continue;
            if (line.back() == '.') line.pop_back();
            for (std::size_t i = 0; i < line.size(); ++i) {
                chunk.push_back(line[i]);
                if (line[i] == ',' && i + 1 < line.size() && line[i + 1] == ' ') ++i;
            }
            chunk.push_back('\n');
        }
        co_return cirrus::error_code{};
    };
}

// One of many requests served from a pool: it announces its answer with NOTIFY.
asio::awaitable<void> pooled_request(pg::pool& pool, int id) {
    constexpr auto tok = asio::as_tuple(asio::use_awaitable);
    pg::diagnostics diag;
    auto [ec, conn] = co_await pool.async_acquire(5s, diag, tok);
    if (!ec) {
        pg::results res;
        std::tie(ec) = co_await conn->async_execute(
            pg::query("select pg_notify('books_done', $1::text || ':' || pg_backend_pid())", id), res, diag, tok);
        conn.return_without_reset(); // a plain query: the session needs no reset
    }
    if (ec) std::cerr << "  request " << id << " failed: " << ec.message() << " - " << diag.what() << "\n";
}

// One of several coroutines sharing one connection: its query waits for its turn and goes
// to the server together with the others' (implicit pipelining).
asio::awaitable<void> shared_lookup(pg::connection& conn, std::int64_t id, std::string& title) {
    constexpr auto tok = asio::as_tuple(asio::use_awaitable);
    pg::diagnostics diag;
    std::vector<std::tuple<std::string>> rows;
    auto q = pg::query("select title from books where id = $1", id);
    auto [ec] = co_await conn.async_execute(q, rows, diag, tok);
    if (ec) title = "(failed: " + diag.what() + ")";
    else title = rows.empty() ? "(none)" : std::get<0>(rows.front());
}

// Throws with the server's words (never the password) when an operation fails.
void check(cirrus::error_code ec, const pg::diagnostics& diag, const char* what) {
    if (ec) throw std::runtime_error(std::string(what) + ": " + ec.message() + " - " + diag.what());
}

asio::awaitable<void> run(std::string conninfo) {
    constexpr auto tok = asio::as_tuple(asio::use_awaitable);
    pg::connection conn(co_await asio::this_coro::executor);
    pg::diagnostics diag;

    auto [ec] = co_await conn.async_connect(conninfo, diag, tok);
    check(ec, diag, "connect");
    std::cout << "connected to PostgreSQL " << conn.server_parameter("server_version").value_or("?")
              << (conn.uses_tls() ? " over TLS" : "") << ", authenticated with " << conn.auth_mechanism() << "\n";

    // Several statements in one simple query.
    pg::results res;
    std::tie(ec) = co_await conn.async_query(
        "create temp table books(id bigint primary key, title text not null, author text, "
        "price numeric(8,2) not null, tags text[] not null default '{}')",
        res, diag, tok);
    check(ec, diag, "create table");

    // A transaction: commit explicitly; if this coroutine left early, the transaction
    // object would make the connection roll back before its next operation.
    auto [bec, tx] = co_await conn.async_begin(diag, tok);
    check(bec, diag, "begin");
    auto [pec, insert] = co_await conn.async_prepare("insert into books values ($1, $2, $3, $4, $5)", diag, tok);
    check(pec, diag, "prepare");
    const std::vector<book> catalogue = {
        {1, "The C++ Programming Language", "Bjarne Stroustrup", *pg::numeric::parse("59.99"), {"c++", "reference"}},
        {2, "Structure and Interpretation of Computer Programs", std::nullopt, *pg::numeric::parse("45.00"), {"lisp"}},
        {3, "A Relational Model of Data", "E. F. Codd", *pg::numeric::parse("0.00"), {}},
    };
    for (const auto& b : catalogue) {
        // Parameters travel out of band, in binary where the type allows it.
        std::tie(ec) = co_await conn.async_execute(insert.bind(b.id, b.title, b.author, b.price, b.tags), res, diag, tok);
        check(ec, diag, "insert");
    }
    std::tie(ec) = co_await tx.async_commit(diag, tok);
    check(ec, diag, "commit");

    // Typed rows, matched to columns by name through Boost.Describe.
    std::vector<book> books;
    std::tie(ec) = co_await conn.async_execute(
        pg::query("select id, title, author, price, tags from books where price >= $1 order by id",
                  *pg::numeric::parse("1")),
        books, diag, tok);
    check(ec, diag, "select");
    for (const auto& b : books) {
        std::cout << "  #" << b.id << " " << b.title << " by " << b.author.value_or("(unknown)") << ", "
                  << b.price.to_string() << " [";
        for (std::size_t i = 0; i < b.tags.size(); ++i) std::cout << (i ? ", " : "") << b.tags[i];
        std::cout << "]\n";
    }

    // Dynamic rows: any column by index or name.
    std::tie(ec) = co_await conn.async_execute("select count(*) as n, sum(price) as total from books", res, diag, tok);
    check(ec, diag, "aggregate");
    std::cout << "  " << res.front()[0].at("n").as<std::int64_t>() << " books, total "
              << res.front()[0].at("total").as<std::string>() << "\n";

    // Several coroutines on this one connection at once: their queries are pipelined.
    {
        using namespace asio::experimental::awaitable_operators;
        std::vector<std::string> titles(3);
        co_await (shared_lookup(conn, 3, titles[0]) && shared_lookup(conn, 1, titles[1]) &&
                  shared_lookup(conn, 2, titles[2]));
        std::cout << "  three coroutines, one connection: " << titles[0] << " / " << titles[1] << " / " << titles[2]
                  << "\n";
    }

    // Streamed rows: a result of any size read a batch at a time, in bounded memory.
    pg::execution_state st;
    std::tie(ec) = co_await conn.async_start_execution(
        pg::query("select g as n, 'row ' || g as label from generate_series(1, $1::int) g", 200000), st, diag, tok);
    check(ec, diag, "start execution");
    std::vector<std::tuple<std::int32_t, std::string_view>> batch; // views valid until the next read
    std::int64_t streamed = 0;
    while (!st.complete()) {
        std::tie(ec) = co_await conn.async_read_some_rows(st, batch, diag, tok);
        check(ec, diag, "read rows");
        for (const auto& [n, label] : batch) streamed += n > 0 && !label.empty();
    }
    std::cout << "  streamed " << streamed << " rows (" << st.command_tag() << ")\n";

    // A server error is an error_code (the SQLSTATE) plus the ErrorResponse fields; the
    // connection stays usable.
    std::tie(ec) = co_await conn.async_execute(insert.bind(1, "duplicate", std::nullopt, 1, std::vector<std::string>{}), res,
                                               diag, tok);
    if (ec == pg::sqlstate::unique_violation)
        std::cout << "  expected error: " << diag.message << " (constraint " << diag.constraint_name << ", "
                  << diag.detail << ")\n";
    else
        throw std::runtime_error("expected a unique violation, got: " + ec.message());

    // Cancel a slow query after 200 ms: the client sends a CancelRequest and the
    // connection is ready again as soon as the server has stopped the query.
    asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
    auto start = std::chrono::steady_clock::now();
    auto winner = co_await (conn.async_query("select pg_sleep(30)", res, diag, asio::use_awaitable) ||
                            timer.async_wait(asio::use_awaitable));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    std::cout << "  slow query " << (winner.index() == 1 ? "canceled" : "finished") << " after " << ms << " ms ("
              << diag.message << ")\n";

    std::tie(ec) = co_await conn.async_query("select 1", res, diag, tok);
    check(ec, diag, "query after cancel");

    // Load CSV batches with COPY: each file streams through, one chunk at a time.
    const std::string adult_dir = env_or("CIRRUS_ADULT_DIR", "tests/data/adult");
    if (std::ifstream(adult_dir + "/adult.data")) {
        std::tie(ec) = co_await conn.async_query(
            "create temp table adult(age text, workclass text, fnlwgt text, education text, education_num text, "
            "marital_status text, occupation text, relationship text, race text, sex text, capital_gain text, "
            "capital_loss text, hours_per_week text, native_country text, class text)", // stray values: text
            res, diag, tok);
        check(ec, diag, "create adult");
        for (const char* file : {"adult.data", "adult.test"}) {
            auto src = adult_csv_source(adult_dir + "/" + file);
            auto [cec, rows] = co_await conn.async_copy_in("COPY adult FROM STDIN (FORMAT csv)", src, diag, tok);
            check(cec, diag, "copy in");
            std::cout << "  loaded " << rows << " rows of " << file << " with COPY\n";
        }
        // And out again, one CSV row per call.
        std::size_t high_earners = 0;
        auto sink = pg::copy_to_handler([&](std::string_view row) { high_earners += row.ends_with(">50K\n"); });
        auto [oec, out_rows] = co_await conn.async_copy_out("COPY adult TO STDOUT (FORMAT csv)", sink, diag, tok);
        check(oec, diag, "copy out");
        std::cout << "  exported " << out_rows << " rows, " << high_earners << " earning >50K\n";
    } else {
        std::cout << "  (no Adult data in " << adult_dir << ": COPY skipped)\n";
    }

    // A pool of 4 connections serves 20 concurrent requests; each NOTIFYs a channel this
    // connection LISTENs to, so the notifications queue here until we read them.
    std::tie(ec) = co_await conn.async_listen("books_done", diag, tok);
    check(ec, diag, "listen");
    pg::pool_options pool_opts;
    check(pg::parse_connection_string(conninfo, pool_opts.params, &diag), diag, "pool settings");
    pool_opts.max_size = 4;
    auto ex = co_await asio::this_coro::executor;
    pg::pool pool(ex, pool_opts);
    constexpr int requests = 20;
    for (int i = 0; i < requests; ++i) asio::co_spawn(ex, pooled_request(pool, i), asio::detached);
    std::set<std::string> backends;
    for (int i = 0; i < requests; ++i) {
        asio::steady_timer limit(ex, 10s);
        auto got = co_await (conn.async_next_notification(diag, tok) || limit.async_wait(tok));
        if (got.index() != 0) throw std::runtime_error("no notification within 10 s");
        auto [nec, note] = std::get<0>(got);
        check(nec, diag, "notification");
        backends.insert(note.payload.substr(note.payload.find(':') + 1));
    }
    std::cout << "  " << requests << " pooled requests notified us from " << backends.size() << " backends (pool of "
              << pool_opts.max_size << ")\n";

    std::tie(ec) = co_await conn.async_close(tok);
    check(ec, diag, "close");
}

} // namespace

int main(int argc, char** argv) {
    asio::io_context ioc;
    int status = 0;
    asio::co_spawn(ioc, run(argc > 1 ? argv[1] : default_conninfo()), [&](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            std::cerr << "postgres_basics: " << ex.what() << "\n";
            status = 1;
        }
    });
    ioc.run();
    return status;
}
