#pragma once
// What postgres::connection asks of its session (detail::connection_impl), as functions of
// an incomplete type: the connection's header does not need the session's definition, its
// sockets, TLS and protocol machinery. In a separately compiled program these are compiled
// once (postgres/impl/session.ipp, from <cirrus/src.hpp>).

#include <cirrus/core/async_op.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/copy.hpp>
#include <cirrus/postgres/diagnostics.hpp>
#include <cirrus/postgres/notification.hpp>
#include <cirrus/postgres/options.hpp>
#include <cirrus/postgres/pipeline.hpp>
#include <cirrus/postgres/results.hpp>
#include <cirrus/postgres/statement.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace cirrus::postgres {
class execution_state;
}

namespace cirrus::postgres::detail {

class connection_impl;
struct row_sink;

// Cancellation requests of one operation, forwarded from its completion handler's slot.
using op_signal = cirrus::detail::cancel_signal;
using signal_ptr = std::shared_ptr<op_signal>;

CIRRUS_DECL std::shared_ptr<connection_impl> make_session(const boost::asio::any_io_executor& ex,
                                                          const connection_options& opts);

CIRRUS_DECL const boost::asio::any_io_executor& session_executor(const connection_impl& c) noexcept;
CIRRUS_DECL const connection_options& options(const connection_impl& c) noexcept;
CIRRUS_DECL bool is_open(const connection_impl& c) noexcept;
CIRRUS_DECL transaction_status txn_status(const connection_impl& c) noexcept;
CIRRUS_DECL std::int32_t backend_pid(const connection_impl& c) noexcept;
CIRRUS_DECL bool uses_tls(const connection_impl& c) noexcept;
CIRRUS_DECL const std::string& auth_mechanism(const connection_impl& c) noexcept;
CIRRUS_DECL std::optional<std::string_view> server_parameter(const connection_impl& c, std::string_view name);
CIRRUS_DECL std::size_t cached_statements(const connection_impl& c) noexcept;
CIRRUS_DECL void set_notice_handler(connection_impl& c, std::function<void(const notice&)> handler);
CIRRUS_DECL diagnostics& last_diagnostics(connection_impl& c) noexcept;
CIRRUS_DECL std::uint64_t session_id(const connection_impl& c) noexcept;
CIRRUS_DECL void schedule_rollback(connection_impl& c, std::uint64_t session) noexcept;
CIRRUS_DECL void close_now(connection_impl& c) noexcept;
// An execution_state destroyed before its execution ended.
CIRRUS_DECL void abandon_execution(connection_impl& c, std::uint64_t id) noexcept;
CIRRUS_DECL int probe_idle(connection_impl& c) noexcept;
CIRRUS_DECL std::size_t queued_notifications(const connection_impl& c) noexcept;
CIRRUS_DECL std::uint64_t dropped_notifications(const connection_impl& c) noexcept;
CIRRUS_DECL std::size_t max_message_size(const connection_impl& c) noexcept;

using task = boost::asio::awaitable<error_code>;
CIRRUS_DECL task run_connect(connection_impl& c, const connect_params& p, diagnostics& diag, signal_ptr sig);
CIRRUS_DECL task run_simple_query(connection_impl& c, const std::string& sql, results& out, diagnostics& diag,
                                  signal_ptr sig);
CIRRUS_DECL task run_execute_query(connection_impl& c, const std::string& sql, const param_list& params, results& out,
                                   diagnostics& diag, signal_ptr sig);
CIRRUS_DECL task run_execute_statement(connection_impl& c, const statement& stmt, const param_list& params,
                                       results& out, diagnostics& diag, signal_ptr sig);
CIRRUS_DECL task run_prepare(connection_impl& c, const std::string& sql, statement& out, diagnostics& diag,
                             signal_ptr sig);
CIRRUS_DECL task run_close_statement(connection_impl& c, const statement& stmt, diagnostics& diag, signal_ptr sig);
CIRRUS_DECL task run_transaction_command(connection_impl& c, const std::string& sql, diagnostics& diag, signal_ptr sig);
CIRRUS_DECL task run_terminate(connection_impl& c);
CIRRUS_DECL task run_next_notification(connection_impl& c, notification& out, diagnostics& diag, signal_ptr sig);
CIRRUS_DECL task run_pipeline(connection_impl& c, const pipeline& p, pipeline_results& out, diagnostics& diag,
                              signal_ptr sig);
CIRRUS_DECL task run_copy_in(connection_impl& c, const std::string& sql, const copy_source& src, std::uint64_t& rows,
                             diagnostics& diag, signal_ptr sig);
CIRRUS_DECL task run_copy_out(connection_impl& c, const std::string& sql, const copy_sink& sink, std::uint64_t& rows,
                              diagnostics& diag, signal_ptr sig);
// Streamed rows (postgres/execution.hpp). `stmt`: a prepared statement, else `sql`
// through the statement cache.
CIRRUS_DECL task run_start_execution(connection_impl& c, const std::string& sql, const param_list& params,
                                     const statement* stmt, execution_state& st, diagnostics& diag, signal_ptr sig);
CIRRUS_DECL task run_read_some_rows(connection_impl& c, execution_state& st, row_sink& sink, diagnostics& diag,
                                    signal_ptr sig);

} // namespace cirrus::postgres::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/postgres/impl/session.ipp>
#endif
