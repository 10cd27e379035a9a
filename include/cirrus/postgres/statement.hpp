#pragma once
// Parameters and statements. Parameters are always sent out of band (Bind), never
// spliced into the SQL text:
//
//   co_await conn.async_execute(pg::query("select * from t where id = $1", id), res, diag, token);
//   auto stmt = co_await conn.async_prepare("insert into t values ($1, $2)", diag, token);
//   co_await conn.async_execute(stmt.bind(1, "one"), res, diag, token);
//
// Arguments are encoded when query()/bind() is called, so they need not outlive it. A
// value its codec refuses (a ragged nested vector) makes the execution fail with that
// error before anything is sent.

#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/detail/protocol.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cirrus::postgres {

class connection;

// Anything usable as a parameter: a type with a codec, or something convertible to
// std::string_view (sent as text of unspecified type).
template <class T>
concept parameter = encodable<std::decay_t<T>> || std::is_convertible_v<const T&, std::string_view>;

namespace detail {

struct param_value {
    oid_t type = 0; // the type declared in Parse (0: let the server infer)
    format fmt = format::binary;
    bool is_null = false;
    std::size_t offset = 0;
    std::size_t size = 0;
};

// Encoded parameters: one byte buffer and one entry per parameter.
class param_list {
public:
    template <class T>
    void add(const T& v) {
        using D = std::decay_t<T>;
        if constexpr (encodable<D>) {
            param_value p;
            p.type = param_oid_of<D>();
            p.fmt = param_format_of<D>();
            p.is_null = is_null_value<D>(v);
            p.offset = data_.size();
            if (!p.is_null) {
                if (auto ec = check_value<D>(v)) {
                    // Not encoded; the statement fails with this error before sending.
                    if (!error_) {
                        error_ = ec;
                        error_index_ = items_.size();
                    }
                } else {
                    type_traits<D>::encode(v, data_);
                }
            }
            p.size = data_.size() - p.offset;
            items_.push_back(p);
        } else {
            static_assert(std::is_convertible_v<const T&, std::string_view>,
                          "cirrus::postgres: this argument type has no codec "
                          "(specialise cirrus::postgres::type_traits for it)");
            add(std::string_view(v));
        }
    }

    // The first parameter its codec refused (a ragged nested vector ...), and its index.
    const error_code& error() const noexcept { return error_; }
    std::size_t error_index() const noexcept { return error_index_; }

    std::size_t size() const noexcept { return items_.size(); }
    bool empty() const noexcept { return items_.empty(); }
    const param_value& operator[](std::size_t i) const noexcept { return items_[i]; }
    std::string_view bytes(const param_value& p) const noexcept {
        return std::string_view(data_).substr(p.offset, p.size);
    }
    std::vector<oid_t> types() const {
        std::vector<oid_t> out;
        out.reserve(items_.size());
        for (const auto& p : items_) out.push_back(p.type);
        return out;
    }

private:
    std::vector<param_value> items_;
    std::string data_;
    error_code error_;
    std::size_t error_index_ = 0;
};

} // namespace detail

// SQL text with its parameters, executed through the statement cache.
struct bound_query {
    std::string_view sql;
    detail::param_list params;
};

template <parameter... Args>
bound_query query(std::string_view sql, const Args&... args) {
    bound_query q{sql, {}};
    (q.params.add(args), ...);
    return q;
}

class bound_statement;

// A named server-side prepared statement (from connection::async_prepare). Valid on the
// connection that prepared it until closed or the connection ends.
class statement {
public:
    statement() = default;

    bool valid() const noexcept { return !name_.empty(); }
    const std::string& name() const noexcept { return name_; }
    const std::string& sql() const noexcept { return sql_; }
    std::size_t num_params() const noexcept { return param_types_.size(); }
    // Parameter types as the server inferred them.
    const std::vector<oid_t>& param_types() const noexcept { return param_types_; }
    // Result columns (empty for statements that return no rows), with the format the
    // client requests for each.
    const std::vector<column>& columns() const noexcept { return columns_; }

    template <parameter... Args>
    bound_statement bind(const Args&... args) const;

private:
    friend class connection;
    friend struct statement_access;
    std::string name_;
    std::string sql_;
    std::vector<oid_t> param_types_;
    std::vector<column> columns_;
    const void* owner_ = nullptr;
    std::uint64_t session_ = 0;
};

class bound_statement {
public:
    const postgres::statement& statement() const noexcept { return *stmt_; }
    const detail::param_list& params() const noexcept { return params_; }

private:
    friend class postgres::statement;
    const postgres::statement* stmt_ = nullptr;
    detail::param_list params_;
};

template <parameter... Args>
bound_statement statement::bind(const Args&... args) const {
    bound_statement b;
    b.stmt_ = this;
    (b.params_.add(args), ...);
    return b;
}

struct statement_access {
    static statement make(std::string name, std::string sql, std::vector<oid_t> params, std::vector<column> columns,
                          const void* owner, std::uint64_t session) {
        statement s;
        s.name_ = std::move(name);
        s.sql_ = std::move(sql);
        s.param_types_ = std::move(params);
        s.columns_ = std::move(columns);
        s.owner_ = owner;
        s.session_ = session;
        return s;
    }
    static const void* owner(const statement& s) noexcept { return s.owner_; }
    static std::uint64_t session(const statement& s) noexcept { return s.session_; }
};

} // namespace cirrus::postgres
