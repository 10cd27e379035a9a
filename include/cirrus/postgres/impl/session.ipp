#pragma once
// Definitions for postgres/detail/session.hpp.

#include <cirrus/postgres/detail/connection_impl.hpp>
#include <cirrus/postgres/detail/session.hpp>

namespace cirrus::postgres::detail {

inline task prepare_into(boost::asio::awaitable<std::pair<error_code, statement>> prepared, statement& out) {
    auto r = co_await std::move(prepared);
    out = std::move(r.second);
    co_return r.first;
}

CIRRUS_DECL std::shared_ptr<connection_impl> make_session(const boost::asio::any_io_executor& ex,
                                                          const connection_options& opts) {
    return std::make_shared<connection_impl>(ex, opts);
}

CIRRUS_DECL const boost::asio::any_io_executor& session_executor(const connection_impl& c) noexcept {
    return c.executor();
}
CIRRUS_DECL const connection_options& options(const connection_impl& c) noexcept { return c.options(); }
CIRRUS_DECL bool is_open(const connection_impl& c) noexcept { return c.is_open(); }
CIRRUS_DECL transaction_status txn_status(const connection_impl& c) noexcept { return c.txn_status(); }
CIRRUS_DECL std::int32_t backend_pid(const connection_impl& c) noexcept { return c.backend_pid(); }
CIRRUS_DECL bool uses_tls(const connection_impl& c) noexcept { return c.uses_tls(); }
CIRRUS_DECL const std::string& auth_mechanism(const connection_impl& c) noexcept { return c.auth_mechanism(); }
CIRRUS_DECL std::optional<std::string_view> server_parameter(const connection_impl& c, std::string_view name) {
    return c.server_parameter(name);
}
CIRRUS_DECL std::size_t cached_statements(const connection_impl& c) noexcept { return c.cached_statements(); }
CIRRUS_DECL void set_notice_handler(connection_impl& c, std::function<void(const notice&)> handler) {
    c.set_notice_handler(std::move(handler));
}
CIRRUS_DECL diagnostics& last_diagnostics(connection_impl& c) noexcept { return c.last_diagnostics; }
CIRRUS_DECL std::uint64_t session_id(const connection_impl& c) noexcept { return c.session(); }
CIRRUS_DECL void schedule_rollback(connection_impl& c, std::uint64_t session) noexcept { c.schedule_rollback(session); }
CIRRUS_DECL void close_now(connection_impl& c) noexcept { c.close_now(); }
CIRRUS_DECL void abandon_execution(connection_impl& c, std::uint64_t id) noexcept { c.abandon_execution(id); }
CIRRUS_DECL int probe_idle(connection_impl& c) noexcept { return c.probe_idle(); }
CIRRUS_DECL std::size_t queued_notifications(const connection_impl& c) noexcept { return c.queued_notifications(); }
CIRRUS_DECL std::uint64_t dropped_notifications(const connection_impl& c) noexcept { return c.dropped_notifications(); }
CIRRUS_DECL std::size_t max_message_size(const connection_impl& c) noexcept { return c.options().max_message_size; }

CIRRUS_DECL task run_connect(connection_impl& c, const connect_params& p, diagnostics& diag, signal_ptr sig) {
    return c.connect(p, diag, std::move(sig));
}
CIRRUS_DECL task run_simple_query(connection_impl& c, const std::string& sql, results& out, diagnostics& diag,
                                  signal_ptr sig) {
    return c.simple_query(sql, out, diag, std::move(sig));
}
CIRRUS_DECL task run_execute_query(connection_impl& c, const std::string& sql, const param_list& params, results& out,
                                   diagnostics& diag, signal_ptr sig) {
    return c.execute_query(sql, params, out, diag, std::move(sig));
}
CIRRUS_DECL task run_execute_statement(connection_impl& c, const statement& stmt, const param_list& params,
                                       results& out, diagnostics& diag, signal_ptr sig) {
    return c.execute_statement(stmt, params, out, diag, std::move(sig));
}
CIRRUS_DECL task run_prepare(connection_impl& c, const std::string& sql, statement& out, diagnostics& diag,
                             signal_ptr sig) {
    return prepare_into(c.prepare(sql, diag, std::move(sig)), out);
}
CIRRUS_DECL task run_close_statement(connection_impl& c, const statement& stmt, diagnostics& diag, signal_ptr sig) {
    return c.close_statement(stmt, diag, std::move(sig));
}
CIRRUS_DECL task run_transaction_command(connection_impl& c, const std::string& sql, diagnostics& diag,
                                         signal_ptr sig) {
    return c.transaction_command(sql, diag, std::move(sig));
}
CIRRUS_DECL task run_terminate(connection_impl& c) { return c.terminate(); }
CIRRUS_DECL task run_next_notification(connection_impl& c, notification& out, diagnostics& diag, signal_ptr sig) {
    return c.next_notification(out, diag, std::move(sig));
}
CIRRUS_DECL task run_pipeline(connection_impl& c, const pipeline& p, pipeline_results& out, diagnostics& diag,
                              signal_ptr sig) {
    return c.run_pipeline(p, out, diag, std::move(sig));
}
CIRRUS_DECL task run_copy_in(connection_impl& c, const std::string& sql, const copy_source& src, std::uint64_t& rows,
                             diagnostics& diag, signal_ptr sig) {
    return c.copy_in(sql, src, rows, diag, std::move(sig));
}
CIRRUS_DECL task run_copy_out(connection_impl& c, const std::string& sql, const copy_sink& sink, std::uint64_t& rows,
                              diagnostics& diag, signal_ptr sig) {
    return c.copy_out(sql, sink, rows, diag, std::move(sig));
}
CIRRUS_DECL task run_start_execution(connection_impl& c, const std::string& sql, const param_list& params,
                                     const statement* stmt, execution_state& st, diagnostics& diag, signal_ptr sig) {
    return c.start_execution(sql, params, stmt, st, diag, std::move(sig));
}
CIRRUS_DECL task run_read_some_rows(connection_impl& c, execution_state& st, row_sink& sink, diagnostics& diag,
                                    signal_ptr sig) {
    return c.read_some_rows(st, sink, diag, std::move(sig));
}

} // namespace cirrus::postgres::detail
