#pragma once
// Typed DynamoDB expressions: key conditions, filters, conditions, updates and
// projections, with the #name and :value placeholders managed by the library, so that
// reserved words (name, year, month, status ...) and any value are never a user problem.
//
//   namespace ddb = cirrus::dynamodb;
//   using ddb::attr;
//   auto key = attr("clientid") == 42 && attr("year").between(2019, 2021);
//   auto filter = attr("status").in(statuses) || !ddb::attribute_exists(attr("deleted"));
//   auto cond = ddb::attribute_not_exists(attr("clientid"));
//   auto upd = ddb::update().set(attr("month"), 7).increment(attr("visits"), 1)
//                            .remove(attr("draft")).add(attr("tags"), ddb::attribute_value::string_set({"x"}));
//   auto proj = ddb::projection(attr("clientid"), attr("name"), attr("address").member("city"));
//
// Operators of key conditions: == < <= > >= begins_with between. Conditions and filters
// add != , attribute_exists, attribute_not_exists, attribute_type (has_type), contains,
// size, in, and the logical && || !.
//
// An expression holds its text with local placeholders and the names and values they
// stand for; the client numbers the placeholders of all the expressions of a request
// together when it writes the request (names used twice share one placeholder).

#include <cirrus/dynamodb/attribute_value.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cirrus::dynamodb {

namespace detail {
// Placeholder markers inside an expression's text: name_mark, the decimal index, end_mark
// (and value_mark ... end_mark). They never occur in the text the builder writes itself.
inline constexpr char name_mark = '\x01';
inline constexpr char value_mark = '\x02';
inline constexpr char end_mark = '\x03';
} // namespace detail

// Text with placeholders, and what they stand for.
class expression {
public:
    expression() = default;

    bool empty() const noexcept { return text_.empty(); }
    const std::string& text() const noexcept { return text_; }
    const std::vector<std::string>& names() const noexcept { return names_; }
    const std::vector<attribute_value>& values() const noexcept { return values_; }

    // The expression as DynamoDB would read it with placeholders #0, :0 ... (for logs and
    // tests).
    std::string to_string() const {
        std::string out;
        for (std::size_t i = 0; i < text_.size(); ++i) {
            const char c = text_[i];
            if (c == detail::name_mark) out += '#';
            else if (c == detail::value_mark) out += ':';
            else if (c != detail::end_mark) out += c;
        }
        return out;
    }

    // For the builders.
    void add_text(std::string_view t) { text_ += t; }
    void add_name(std::string_view n) { add_mark(detail::name_mark, push(names_, std::string(n))); }
    void add_value(attribute_value v) { add_mark(detail::value_mark, push(values_, std::move(v))); }
    // Appends another expression, renumbering its placeholders after ours.
    void add(const expression& other) {
        const std::size_t name_base = names_.size();
        const std::size_t value_base = values_.size();
        for (std::size_t i = 0; i < other.text_.size(); ++i) {
            const char c = other.text_[i];
            if (c != detail::name_mark && c != detail::value_mark) {
                text_ += c;
                continue;
            }
            std::size_t index = 0;
            std::size_t j = i + 1;
            for (; j < other.text_.size() && other.text_[j] != detail::end_mark; ++j)
                index = index * 10 + static_cast<std::size_t>(other.text_[j] - '0');
            add_mark(c, index + (c == detail::name_mark ? name_base : value_base));
            i = j;
        }
        names_.insert(names_.end(), other.names_.begin(), other.names_.end());
        values_.insert(values_.end(), other.values_.begin(), other.values_.end());
    }

    friend bool operator==(const expression&, const expression&) = default;

private:
    template <class V, class T>
    static std::size_t push(V& v, T&& x) {
        v.push_back(std::forward<T>(x));
        return v.size() - 1;
    }
    void add_mark(char mark, std::size_t index) {
        text_ += mark;
        text_ += std::to_string(index);
        text_ += detail::end_mark;
    }

    std::string text_;
    std::vector<std::string> names_;
    std::vector<attribute_value> values_;
};

// A document path: a top-level attribute, then map members and list elements.
class path {
public:
    explicit path(std::string_view name) { e_.add_name(name); }

    path member(std::string_view name) const {
        path p = *this;
        p.e_.add_text(".");
        p.e_.add_name(name);
        return p;
    }
    path operator[](std::size_t index) const {
        path p = *this;
        p.e_.add_text("[" + std::to_string(index) + "]");
        return p;
    }
    const expression& expr() const noexcept { return e_; }

private:
    expression e_;
};

inline path attr(std::string_view name) { return path(name); }

// A condition, filter or key condition.
class condition {
public:
    condition() = default;
    explicit condition(expression e) : e_(std::move(e)) {}
    const expression& expr() const noexcept { return e_; }
    bool empty() const noexcept { return e_.empty(); }

    friend condition operator&&(const condition& a, const condition& b) { return join(a, " AND ", b); }
    friend condition operator||(const condition& a, const condition& b) { return join(a, " OR ", b); }
    friend condition operator!(const condition& a) {
        expression e;
        e.add_text("NOT (");
        e.add(a.e_);
        e.add_text(")");
        return condition(std::move(e));
    }

private:
    static condition join(const condition& a, std::string_view op, const condition& b) {
        if (a.empty()) return b;
        if (b.empty()) return a;
        expression e;
        e.add_text("(");
        e.add(a.e_);
        e.add_text(")");
        e.add_text(op);
        e.add_text("(");
        e.add(b.e_);
        e.add_text(")");
        return condition(std::move(e));
    }
    expression e_;
};

// One side of a comparison: a path, a value, or size(path).
class operand {
public:
    operand(const path& p) : e_(p.expr()) {}
    template <class T>
        requires std::is_constructible_v<attribute_value, T&&> operand(T&& v) {
            e_.add_value(attribute_value(std::forward<T>(v)));
        }
    static operand raw(expression e) {
        operand o(attribute_value{});
        o.e_ = std::move(e);
        return o;
    }
    const expression& expr() const noexcept { return e_; }

private:
    expression e_;
};

namespace detail {
inline condition compare(const operand& a, std::string_view op, const operand& b) {
    expression e;
    e.add(a.expr());
    e.add_text(op);
    e.add(b.expr());
    return condition(std::move(e));
}
inline condition call(std::string_view fn, std::initializer_list<const expression*> args) {
    expression e;
    e.add_text(fn);
    e.add_text("(");
    bool first = true;
    for (const expression* a : args) {
        if (!first) e.add_text(", ");
        first = false;
        e.add(*a);
    }
    e.add_text(")");
    return condition(std::move(e));
}
} // namespace detail

// size(path), to compare: size(attr("tags")) > 3.
class size_of {
public:
    explicit size_of(const path& p) : o_(operand::raw(detail::call("size", {&p.expr()}).expr())) {}
    operator const operand&() const noexcept { return o_; }
    const operand& get() const noexcept { return o_; }

private:
    operand o_;
};
inline size_of size(const path& p) { return size_of(p); }

inline condition operator==(const path& a, const operand& b) { return detail::compare(a, " = ", b); }
inline condition operator==(const size_of& a, const operand& b) { return detail::compare(a.get(), " = ", b); }
inline condition operator!=(const path& a, const operand& b) { return detail::compare(a, " <> ", b); }
inline condition operator!=(const size_of& a, const operand& b) { return detail::compare(a.get(), " <> ", b); }
inline condition operator<(const path& a, const operand& b) { return detail::compare(a, " < ", b); }
inline condition operator<(const size_of& a, const operand& b) { return detail::compare(a.get(), " < ", b); }
inline condition operator<=(const path& a, const operand& b) { return detail::compare(a, " <= ", b); }
inline condition operator<=(const size_of& a, const operand& b) { return detail::compare(a.get(), " <= ", b); }
inline condition operator>(const path& a, const operand& b) { return detail::compare(a, " > ", b); }
inline condition operator>(const size_of& a, const operand& b) { return detail::compare(a.get(), " > ", b); }
inline condition operator>=(const path& a, const operand& b) { return detail::compare(a, " >= ", b); }
inline condition operator>=(const size_of& a, const operand& b) { return detail::compare(a.get(), " >= ", b); }

inline condition between(const path& p, const operand& low, const operand& high) {
    expression e;
    e.add(p.expr());
    e.add_text(" BETWEEN ");
    e.add(low.expr());
    e.add_text(" AND ");
    e.add(high.expr());
    return condition(std::move(e));
}
inline condition begins_with(const path& p, const operand& prefix) {
    return detail::call("begins_with", {&p.expr(), &prefix.expr()});
}
inline condition contains(const path& p, const operand& v) { return detail::call("contains", {&p.expr(), &v.expr()}); }
inline condition attribute_exists(const path& p) { return detail::call("attribute_exists", {&p.expr()}); }
inline condition attribute_not_exists(const path& p) { return detail::call("attribute_not_exists", {&p.expr()}); }
inline condition has_type(const path& p, attribute_type t) {
    const operand type_text(std::string(type_name(t)));
    return detail::call("attribute_type", {&p.expr(), &type_text.expr()});
}
// p IN (v1, v2, ...): up to 100 values.
template <class Range>
condition in(const path& p, const Range& values) {
    expression e;
    e.add(p.expr());
    e.add_text(" IN (");
    bool first = true;
    for (const auto& v : values) {
        if (!first) e.add_text(", ");
        first = false;
        e.add_value(attribute_value(v));
    }
    e.add_text(")");
    return condition(std::move(e));
}

// The update expression of UpdateItem: SET, REMOVE, ADD and DELETE clauses.
class update {
public:
    // SET p = v (a value or another path).
    update& set(const path& p, const operand& v) { return set_clause(p, v.expr()); }
    // SET p = if_not_exists(p, v)
    update& set_if_not_exists(const path& p, const operand& v) {
        return set_clause(p, detail::call("if_not_exists", {&p.expr(), &v.expr()}).expr());
    }
    // SET p = p + v, SET p = p - v
    update& increment(const path& p, const operand& by) { return arithmetic(p, " + ", by); }
    update& decrement(const path& p, const operand& by) { return arithmetic(p, " - ", by); }
    // SET p = list_append(p, list) (or list_append(list, p) with prepend).
    update& append(const path& p, const operand& list, bool prepend = false) {
        const auto c = prepend ? detail::call("list_append", {&list.expr(), &p.expr()})
                               : detail::call("list_append", {&p.expr(), &list.expr()});
        return set_clause(p, c.expr());
    }
    // REMOVE p
    update& remove(const path& p) {
        separate(remove_);
        remove_.add(p.expr());
        return done();
    }
    // ADD p v (numbers and sets)
    update& add(const path& p, const operand& v) { return pair_clause(add_, p, v); }
    // DELETE p set (elements from a set)
    update& delete_elements(const path& p, const operand& set) { return pair_clause(delete_, p, set); }

    bool empty() const noexcept { return whole_.empty(); }

    // The whole expression: "SET ... REMOVE ... ADD ... DELETE ...".
    const expression& expr() const noexcept { return whole_; }

private:
    update& done() {
        expression e;
        auto clause = [&](std::string_view keyword, const expression& c) {
            if (c.empty()) return;
            if (!e.empty()) e.add_text(" ");
            e.add_text(keyword);
            e.add(c);
        };
        clause("SET ", set_);
        clause("REMOVE ", remove_);
        clause("ADD ", add_);
        clause("DELETE ", delete_);
        whole_ = std::move(e);
        return *this;
    }
    static void separate(expression& c) {
        if (!c.empty()) c.add_text(", ");
    }
    update& set_clause(const path& p, const expression& v) {
        separate(set_);
        set_.add(p.expr());
        set_.add_text(" = ");
        set_.add(v);
        return done();
    }
    update& arithmetic(const path& p, std::string_view op, const operand& by) {
        expression v;
        v.add(p.expr());
        v.add_text(op);
        v.add(by.expr());
        return set_clause(p, v);
    }
    update& pair_clause(expression& c, const path& p, const operand& v) {
        separate(c);
        c.add(p.expr());
        c.add_text(" ");
        c.add(v.expr());
        return done();
    }

    expression set_, remove_, add_, delete_, whole_;
};

// A projection: the attributes (paths) to return.
class projection_expression {
public:
    projection_expression() = default;
    template <class... Paths>
        requires(std::is_same_v<std::remove_cvref_t<Paths>, path>&&...)
    explicit projection_expression(const Paths&... ps) { (add(ps), ...); }
    projection_expression& add(const path& p) {
        if (!e_.empty()) e_.add_text(", ");
        e_.add(p.expr());
        return *this;
    }
    const expression& expr() const noexcept { return e_; }

private:
    expression e_;
};

template <class... Paths>
projection_expression projection(const Paths&... ps) {
    return projection_expression(ps...);
}

// What a request names: a condition, an update or a projection, copied by the client when
// the operation starts (like every view of a request).
class expression_view {
public:
    constexpr expression_view() noexcept = default;
    template <class T>
        requires(std::is_same_v<T, condition> || std::is_same_v<T, projection_expression> ||
                 std::is_same_v<T, update> || std::is_same_v<T, expression>)
    expression_view(const T& e)
    noexcept : p_(&expr_of(e)) {}
    template <class T>
        requires(std::is_same_v<T, condition> || std::is_same_v<T, projection_expression> ||
                 std::is_same_v<T, update> || std::is_same_v<T, expression>)
    expression_view(T&&)
    = delete;

    const expression* get() const noexcept { return p_; }
    bool empty() const noexcept { return p_ == nullptr || p_->empty(); }

    template <class Pass>
    void walk_views(Pass& pass) {
        if (p_ == nullptr) return;
        if (const expression* copy = pass.template make<expression>(*p_)) p_ = copy;
    }

private:
    static const expression& expr_of(const expression& e) noexcept { return e; }
    static const expression& expr_of(const condition& c) noexcept { return c.expr(); }
    static const expression& expr_of(const projection_expression& p) noexcept { return p.expr(); }
    static const expression& expr_of(const update& u) noexcept { return u.expr(); }

    const expression* p_ = nullptr;
};

} // namespace cirrus::dynamodb
