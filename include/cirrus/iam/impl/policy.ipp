#pragma once
// Definitions for iam/policy.hpp.

#include <cirrus/core/detail/json_string.hpp>
#include <cirrus/iam/policy.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>

namespace cirrus::iam {

namespace detail {
namespace {

using cirrus::detail::append_json_string;

// One value as a string, several as an array.
inline void append_values(std::string& out, const std::vector<std::string>& v) {
    if (v.size() == 1) return append_json_string(out, v[0]);
    out += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, v[i]);
    }
    out += ']';
}

inline void append_principals(std::string& out, const std::vector<policy_principal>& ps) {
    if (ps.size() == 1 && ps[0].type == "*") {
        out += "\"*\"";
        return;
    }
    out += '{';
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, ps[i].type);
        out += ':';
        append_values(out, ps[i].values);
    }
    out += '}';
}

// {"op": {"key": values, ...}, ...}, operators in the order they first appear.
inline void append_conditions(std::string& out, const std::vector<policy_condition>& cs) {
    out += '{';
    std::vector<std::string_view> ops;
    for (const auto& c : cs)
        if (std::find(ops.begin(), ops.end(), c.op) == ops.end()) ops.push_back(c.op);
    for (std::size_t i = 0; i < ops.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, ops[i]);
        out += ":{";
        bool first = true;
        for (const auto& c : cs) {
            if (c.op != ops[i]) continue;
            if (!first) out += ',';
            first = false;
            append_json_string(out, c.key);
            out += ':';
            append_values(out, c.values);
        }
        out += '}';
    }
    out += '}';
}

inline bool is_alnum(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// "*" or "service:Action" (the action may hold wildcards).
inline bool valid_action(std::string_view a) noexcept {
    if (a == "*") return true;
    const auto colon = a.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == a.size()) return false;
    for (const char c : a.substr(0, colon))
        if (!(is_alnum(c) || c == '-')) return false;
    for (const char c : a.substr(colon + 1))
        if (!(is_alnum(c) || c == '*' || c == '?')) return false;
    return true;
}

// "*" or arn:partition:service:region:account:resource (service and resource not empty).
inline bool valid_resource(std::string_view r) noexcept {
    if (r == "*") return true;
    if (r.substr(0, 4) != "arn:") return false;
    std::size_t colons = 0, pos = 0;
    std::array<std::size_t, 5> at{};
    while (colons < 5 && (pos = r.find(':', pos)) != std::string_view::npos) at[colons++] = pos++;
    if (colons < 5) return false;
    return at[2] > at[1] + 1 && at[4] + 1 < r.size();
}

inline bool valid_condition_operator(std::string_view op) noexcept {
    for (std::string_view set : {"ForAllValues:", "ForAnyValue:"})
        if (op.substr(0, set.size()) == set) {
            op.remove_prefix(set.size());
            break;
        }
    constexpr std::string_view if_exists = "IfExists";
    const bool exists = op.size() > if_exists.size() && op.substr(op.size() - if_exists.size()) == if_exists;
    if (exists) op.remove_suffix(if_exists.size());
    constexpr std::string_view known[] = {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
        "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
        "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals", "DateLessThan",
        "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress",
        "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"};
    for (auto k : known)
        if (op == k) return !(exists && k == "Null");
    return false;
}

inline bool valid_principals(const std::vector<policy_principal>& ps, std::string& why) {
    for (const auto& p : ps) {
        if (p.type == "*") {
            if (ps.size() != 1 || !p.values.empty()) {
                why = "the principal \"*\" stands alone";
                return false;
            }
            continue;
        }
        if (p.type != "AWS" && p.type != "Service" && p.type != "Federated" && p.type != "CanonicalUser") {
            why = "unknown principal type \"" + p.type + "\" (AWS, Service, Federated, CanonicalUser or *)";
            return false;
        }
        if (p.values.empty() || std::any_of(p.values.begin(), p.values.end(), [](auto& v) { return v.empty(); })) {
            why = "the principal type " + p.type + " names no principal";
            return false;
        }
    }
    return true;
}

inline error_code refuse(diagnostics& diag, std::string why) {
    diag.clear();
    diag.service_code = "MalformedPolicyDocument";
    diag.message = std::move(why);
    return make_error_code(errc::malformed_policy_document);
}

} // namespace
} // namespace detail

CIRRUS_DECL error_code policy_document::validate(diagnostics& diag) const {
    using namespace detail;
    if (version_ != "2012-10-17" && version_ != "2008-10-17")
        return refuse(diag, "unknown policy version \"" + version_ + "\" (2012-10-17 or 2008-10-17)");
    if (statements_.empty()) return refuse(diag, "a policy needs at least one statement");
    std::set<std::string> sids;
    for (std::size_t i = 0; i < statements_.size(); ++i) {
        const auto& s = statements_[i];
        const std::string where = "statement " + std::to_string(i + 1) + (s.sid().empty() ? "" : " (" + s.sid() + ")");
        if (!s.sid().empty()) {
            if (!std::all_of(s.sid().begin(), s.sid().end(), is_alnum))
                return refuse(diag, where + ": a Sid holds letters and digits only");
            if (!sids.insert(s.sid()).second) return refuse(diag, where + ": the Sid is used twice");
        }
        if (!s.has_effect()) return refuse(diag, where + ": no Effect");
        if (s.actions().empty() == s.not_actions().empty())
            return refuse(diag, where + ": exactly one of Action and NotAction");
        if (!s.resources().empty() && !s.not_resources().empty())
            return refuse(diag, where + ": both Resource and NotResource");
        if (!s.principals().empty() && !s.not_principals().empty())
            return refuse(diag, where + ": both Principal and NotPrincipal");
        if (s.resources().empty() && s.not_resources().empty() && s.principals().empty() && s.not_principals().empty())
            return refuse(diag, where + ": no Resource (nor a Principal)");
        for (const auto* list : {&s.actions(), &s.not_actions()})
            for (const auto& a : *list)
                if (!valid_action(a)) return refuse(diag, where + ": \"" + a + "\" is not an action (service:Action)");
        for (const auto* list : {&s.resources(), &s.not_resources()})
            for (const auto& r : *list)
                if (!valid_resource(r)) return refuse(diag, where + ": \"" + r + "\" is not a resource (an ARN or *)");
        std::string why;
        if (!valid_principals(s.principals(), why) || !valid_principals(s.not_principals(), why))
            return refuse(diag, where + ": " + why);
        for (const auto& c : s.conditions()) {
            if (!valid_condition_operator(c.op))
                return refuse(diag, where + ": unknown condition operator \"" + c.op + "\"");
            if (c.key.empty() || c.values.empty())
                return refuse(diag, where + ": the condition " + c.op + " needs a key and values");
        }
    }
    return {};
}

CIRRUS_DECL error_code policy_document::to_json(std::string& out, diagnostics& diag) const {
    using namespace detail;
    if (auto ec = validate(diag)) return ec;
    out.clear();
    out += "{\"Version\":";
    append_json_string(out, version_);
    if (!id_.empty()) {
        out += ",\"Id\":";
        append_json_string(out, id_);
    }
    out += ",\"Statement\":[";
    for (std::size_t i = 0; i < statements_.size(); ++i) {
        const auto& s = statements_[i];
        if (i) out += ',';
        out += '{';
        if (!s.sid().empty()) {
            out += "\"Sid\":";
            append_json_string(out, s.sid());
            out += ',';
        }
        out += s.get_effect() == effect::allow ? "\"Effect\":\"Allow\"" : "\"Effect\":\"Deny\"";
        auto field = [&](std::string_view name, const std::vector<std::string>& v) {
            if (v.empty()) return;
            out += ",\"";
            out += name;
            out += "\":";
            append_values(out, v);
        };
        if (!s.principals().empty()) {
            out += ",\"Principal\":";
            append_principals(out, s.principals());
        }
        if (!s.not_principals().empty()) {
            out += ",\"NotPrincipal\":";
            append_principals(out, s.not_principals());
        }
        field("Action", s.actions());
        field("NotAction", s.not_actions());
        field("Resource", s.resources());
        field("NotResource", s.not_resources());
        if (!s.conditions().empty()) {
            out += ",\"Condition\":";
            append_conditions(out, s.conditions());
        }
        out += '}';
    }
    out += "]}";
    return {};
}

CIRRUS_DECL std::string policy_document::json() const {
    std::string out;
    diagnostics diag;
    if (auto ec = to_json(out, diag)) throw error_with_diagnostics(ec, diag);
    return out;
}

CIRRUS_DECL policy_statement statementize(std::string_view service, std::initializer_list<std::string_view> actions,
                                          effect e, std::initializer_list<std::string_view> resources) {
    policy_statement s;
    s.effect(e);
    for (auto a : actions) {
        if (a == "*" || a.find(':') != std::string_view::npos) {
            s.action(a);
        } else {
            std::string full(service);
            full += ':';
            full += a;
            s.action(full);
        }
    }
    s.resource(resources);
    return s;
}

} // namespace cirrus::iam
