#pragma once
// Dynamic results: every result set a call produced, with column metadata, rows and
// fields. Row data lives in one buffer per result set; row_view and field_view are
// cheap views into it, valid while the resultset lives and is not modified.
//
//   for (auto row : res.front()) {
//       auto id = row[0].as<std::int64_t>();
//       auto name = row.at("name").as<std::string>();
//   }

#include <cirrus/core/detail/index_iterator.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/core/result.hpp>
#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/error.hpp>

#include <boost/system/system_error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus::postgres {

class resultset;

class field_view {
public:
    field_view() = default;
    field_view(const column* meta, bool is_null, std::string_view bytes) noexcept
        : meta_(meta), null_(is_null), bytes_(bytes) {}

    bool is_null() const noexcept { return null_; }
    oid_t type_oid() const noexcept { return meta_ ? meta_->type_oid : 0; }
    postgres::format format() const noexcept { return meta_ ? meta_->format : format::text; }
    const column& column_info() const noexcept { return *meta_; }
    // The bytes as received, in the column's format; empty for NULL.
    std::string_view raw() const noexcept { return bytes_; }
    field_data data() const noexcept { return {type_oid(), format(), null_, bytes_}; }

    template <decodable T>
    error_code get_to(T& out) const {
        return decode_field(data(), out);
    }
    template <decodable T>
    cirrus::result<T> try_as() const {
        T v{};
        if (auto ec = get_to(v)) return ec;
        return v;
    }
    // Throws boost::system::system_error on NULL (unless T is optional), an incompatible
    // column type or a malformed value.
    template <decodable T>
    T as() const {
        T v{};
        if (auto ec = get_to(v)) throw boost::system::system_error(ec, "cirrus::postgres::field_view::as");
        return v;
    }
    // The server's text form of the value ("NULL" for NULL).
    std::string to_string() const {
        if (null_) return "NULL";
        std::string out;
        if (detail::render_text(data(), out)) {
            out = "\\x";
            out += hex::encode(bytes_);
        }
        return out;
    }

private:
    const column* meta_ = nullptr;
    bool null_ = true;
    std::string_view bytes_;
};

class row_view {
public:
    row_view() = default;
    row_view(const resultset* rs, std::size_t index) noexcept : rs_(rs), index_(index) {}

    inline std::size_t size() const noexcept;
    inline field_view operator[](std::size_t i) const noexcept;
    // Throws std::out_of_range for an index beyond the row.
    inline field_view at(std::size_t i) const;
    // The field of the first column with this name; throws std::out_of_range if none.
    inline field_view at(std::string_view column_name) const;
    // The index of the first column with this name.
    inline std::optional<std::size_t> find(std::string_view column_name) const noexcept;
    std::size_t index() const noexcept { return index_; }

private:
    const resultset* rs_ = nullptr;
    std::size_t index_ = 0;
};

// One result set: the columns, the rows and the command tag of one statement.
class resultset {
public:
    using iterator = cirrus::detail::index_iterator<resultset, row_view>;

    const std::vector<column>& columns() const noexcept { return columns_; }
    // Rows.
    std::size_t size() const noexcept { return rows_; }
    bool empty() const noexcept { return rows_ == 0; }
    row_view operator[](std::size_t i) const noexcept { return {this, i}; }
    row_view at(std::size_t i) const {
        if (i >= rows_) throw std::out_of_range("cirrus::postgres::resultset::at");
        return {this, i};
    }
    iterator begin() const noexcept { return {this, 0}; }
    iterator end() const noexcept { return {this, rows_}; }

    // "SELECT 3", "INSERT 0 1", "UPDATE 2", "CREATE TABLE" ...
    const std::string& command_tag() const noexcept { return tag_; }
    std::uint64_t affected_rows() const noexcept { return detail::affected_rows_of(tag_); }
    // True if the statement returns rows (a RowDescription came), even zero of them.
    bool has_columns() const noexcept { return !columns_.empty(); }

    field_view field(std::size_t row, std::size_t col) const noexcept {
        const auto& c = cells_[row * columns_.size() + col];
        if (c.length < 0) return {&columns_[col], true, {}};
        return {&columns_[col], false, std::string_view(data_.data() + c.offset, static_cast<std::size_t>(c.length))};
    }

    // --- building (used by the connection) --------------------------------------------
    void set_columns(std::vector<column> cols) { columns_ = std::move(cols); }
    void set_command_tag(std::string_view tag) { tag_.assign(tag); }
    // Appends the fields of a DataRow body; on error the result set is unchanged.
    error_code append_data_row(std::string_view body) {
        std::size_t cells_before = cells_.size(), data_before = data_.size();
        auto ec = detail::parse_data_row(body, columns_.size(), [&](std::size_t, std::optional<std::string_view> v) {
            if (!v) {
                cells_.push_back({0, -1});
            } else {
                cells_.push_back({data_.size(), static_cast<std::int32_t>(v->size())});
                data_.append(*v);
            }
        });
        if (ec) {
            cells_.resize(cells_before);
            data_.resize(data_before);
            return ec;
        }
        ++rows_;
        return {};
    }
    void clear() {
        columns_.clear();
        data_.clear();
        cells_.clear();
        rows_ = 0;
        tag_.clear();
    }

private:
    struct cell {
        std::size_t offset;
        std::int32_t length; // -1 for NULL
    };
    std::vector<column> columns_;
    std::string data_;
    std::vector<cell> cells_;
    std::size_t rows_ = 0;
    std::string tag_;
};

std::size_t row_view::size() const noexcept { return rs_->columns().size(); }
field_view row_view::operator[](std::size_t i) const noexcept { return rs_->field(index_, i); }
field_view row_view::at(std::size_t i) const {
    if (i >= size()) throw std::out_of_range("cirrus::postgres::row_view::at");
    return rs_->field(index_, i);
}
std::optional<std::size_t> row_view::find(std::string_view name) const noexcept {
    const auto& cols = rs_->columns();
    for (std::size_t i = 0; i < cols.size(); ++i)
        if (cols[i].name == name) return i;
    return std::nullopt;
}
field_view row_view::at(std::string_view name) const {
    auto i = find(name);
    if (!i) throw std::out_of_range("cirrus::postgres::row_view::at: no such column");
    return rs_->field(index_, *i);
}

// Every result set of one call, in order (a simple query with several statements
// produces several).
class results {
public:
    std::size_t size() const noexcept { return sets_.size(); }
    bool empty() const noexcept { return sets_.empty(); }
    const resultset& operator[](std::size_t i) const noexcept { return sets_[i]; }
    const resultset& at(std::size_t i) const { return sets_.at(i); }
    const resultset& front() const { return sets_.at(0); }
    const resultset& back() const { return sets_.at(sets_.size() - 1); }
    auto begin() const noexcept { return sets_.begin(); }
    auto end() const noexcept { return sets_.end(); }

    // Rows of the first result set (the common single-statement case).
    const resultset& rows() const { return front(); }

    // Used by the connection.
    resultset& add() { return sets_.emplace_back(); }
    resultset& last() { return sets_.back(); }
    void clear() { sets_.clear(); }

private:
    std::vector<resultset> sets_;
};

} // namespace cirrus::postgres
