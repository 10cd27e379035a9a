#pragma once
// A typed IAM policy document: Version, Id and statements (Sid, Effect, Action/NotAction,
// Resource/NotResource, Principal/NotPrincipal, Condition), written as the JSON IAM takes
// and checked before anything is sent.
//
//   namespace iam = cirrus::iam;
//   auto doc = iam::policy_document{}.add(
//       iam::statementize("s3", {"GetObject", "PutObject"}, iam::effect::allow, {"arn:aws:s3:::logs/*"}));
//   co_await c.async_create_policy({.policy_name = "logs-rw", .policy_document = doc.json()});
//
//   // A trust policy for a Lambda role:
//   auto trust = iam::policy_document::trust_service("lambda.amazonaws.com");
//
//   // Everything a statement can say:
//   iam::policy_statement s;
//   s.sid("DenyOutsideVpc").deny().not_action({"iam:*"}).resource("*")
//    .condition("StringNotEquals", "aws:SourceVpc", {"vpc-1234"});
//
// json() throws cirrus::error_with_diagnostics (iam::errc::malformed_policy_document, the
// reason in the diagnostics' message) for a document IAM would refuse as malformed;
// to_json(out, diag) returns the error instead. What is checked: the version
// (2012-10-17 or 2008-10-17), at least one statement, every statement's Effect, exactly
// one of Action/NotAction, at most one of Resource/NotResource and of
// Principal/NotPrincipal, a Resource or a Principal in each statement, actions as "*" or
// "service:Action", resources as "*" or ARNs, principal types (AWS, Service, Federated,
// CanonicalUser) or "*", unique alphanumeric Sids, and condition operators (the
// documented ones, with ForAllValues:/ForAnyValue: and ...IfExists) with a key and values.

#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/core/error.hpp>
#include <cirrus/iam/errors.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::iam {

enum class effect { allow, deny };

// One condition: operator, key and the values it is tested against.
struct policy_condition {
    std::string op;  // "StringEquals", "ForAnyValue:StringLike", "DateLessThanIfExists" ...
    std::string key; // "aws:SourceIp", "s3:prefix" ...
    std::vector<std::string> values;
};

// One principal entry: type ("AWS", "Service", "Federated", "CanonicalUser") and its
// values; the type "*" stands for everyone ("Principal": "*").
struct policy_principal {
    std::string type;
    std::vector<std::string> values;
};

class policy_statement {
public:
    policy_statement& sid(std::string_view s) {
        sid_ = s;
        return *this;
    }
    policy_statement& effect(iam::effect e) {
        effect_ = e;
        has_effect_ = true;
        return *this;
    }
    policy_statement& allow() { return effect(iam::effect::allow); }
    policy_statement& deny() { return effect(iam::effect::deny); }

    policy_statement& action(std::string_view a) { return push(actions_, a); }
    policy_statement& action(std::initializer_list<std::string_view> a) { return push(actions_, a); }
    policy_statement& not_action(std::string_view a) { return push(not_actions_, a); }
    policy_statement& not_action(std::initializer_list<std::string_view> a) { return push(not_actions_, a); }
    policy_statement& resource(std::string_view r) { return push(resources_, r); }
    policy_statement& resource(std::initializer_list<std::string_view> r) { return push(resources_, r); }
    policy_statement& not_resource(std::string_view r) { return push(not_resources_, r); }
    policy_statement& not_resource(std::initializer_list<std::string_view> r) { return push(not_resources_, r); }

    // principal("Service", "lambda.amazonaws.com"), principal("AWS", account_arn),
    // principal("*") for everyone.
    policy_statement& principal(std::string_view type, std::string_view value = {}) {
        return add_principal(principals_, type, value);
    }
    policy_statement& not_principal(std::string_view type, std::string_view value = {}) {
        return add_principal(not_principals_, type, value);
    }

    policy_statement& condition(std::string_view op, std::string_view key, std::initializer_list<std::string_view> values) {
        policy_condition c{std::string(op), std::string(key), {}};
        for (auto v : values) c.values.emplace_back(v);
        conditions_.push_back(std::move(c));
        return *this;
    }
    policy_statement& condition(std::string_view op, std::string_view key, std::string_view value) {
        return condition(op, key, {value});
    }

    const std::string& sid() const noexcept { return sid_; }
    bool has_effect() const noexcept { return has_effect_; }
    iam::effect get_effect() const noexcept { return effect_; }
    const std::vector<std::string>& actions() const noexcept { return actions_; }
    const std::vector<std::string>& not_actions() const noexcept { return not_actions_; }
    const std::vector<std::string>& resources() const noexcept { return resources_; }
    const std::vector<std::string>& not_resources() const noexcept { return not_resources_; }
    const std::vector<policy_principal>& principals() const noexcept { return principals_; }
    const std::vector<policy_principal>& not_principals() const noexcept { return not_principals_; }
    const std::vector<policy_condition>& conditions() const noexcept { return conditions_; }

private:
    policy_statement& push(std::vector<std::string>& to, std::string_view v) {
        to.emplace_back(v);
        return *this;
    }
    policy_statement& push(std::vector<std::string>& to, std::initializer_list<std::string_view> vs) {
        for (auto v : vs) to.emplace_back(v);
        return *this;
    }
    policy_statement& add_principal(std::vector<policy_principal>& to, std::string_view type, std::string_view value) {
        for (auto& p : to)
            if (p.type == type) {
                if (!value.empty()) p.values.emplace_back(value);
                return *this;
            }
        to.push_back({std::string(type), {}});
        if (!value.empty()) to.back().values.emplace_back(value);
        return *this;
    }

    std::string sid_;
    iam::effect effect_ = iam::effect::allow;
    bool has_effect_ = false;
    std::vector<std::string> actions_, not_actions_, resources_, not_resources_;
    std::vector<policy_principal> principals_, not_principals_;
    std::vector<policy_condition> conditions_;
};

class policy_document {
public:
    policy_document& version(std::string_view v) {
        version_ = v;
        return *this;
    }
    policy_document& id(std::string_view i) {
        id_ = i;
        return *this;
    }
    policy_document& add(policy_statement s) {
        statements_.push_back(std::move(s));
        return *this;
    }

    const std::string& version() const noexcept { return version_; }
    const std::vector<policy_statement>& statements() const noexcept { return statements_; }

    // Checks the document; on success writes its JSON into `out`.
    CIRRUS_DECL error_code to_json(std::string& out, diagnostics& diag) const;
    // The JSON; throws error_with_diagnostics when the document is malformed.
    CIRRUS_DECL std::string json() const;
    // Checks the document without writing it.
    CIRRUS_DECL error_code validate(diagnostics& diag) const;

    // A trust policy letting a service assume the role ("lambda.amazonaws.com").
    static policy_document trust_service(std::string_view service) {
        return policy_document{}.add(policy_statement{}.allow().principal("Service", service).action("sts:AssumeRole"));
    }
    // A trust policy letting an account or an IAM principal (ARN or account id) assume it.
    static policy_document trust_aws(std::string_view account_or_arn) {
        return policy_document{}.add(
            policy_statement{}.allow().principal("AWS", account_or_arn).action("sts:AssumeRole"));
    }

private:
    std::string version_ = "2012-10-17";
    std::string id_;
    std::vector<policy_statement> statements_;
};

// The seeds' Statementize('s3', actions, 'Allow', resources): actions without a service
// prefix get "<service>:".
//   iam::statementize("s3", {"GetObject"}, iam::effect::allow, {"arn:aws:s3:::b/*"})
CIRRUS_DECL policy_statement statementize(std::string_view service, std::initializer_list<std::string_view> actions,
                                          effect e, std::initializer_list<std::string_view> resources);

} // namespace cirrus::iam

#if CIRRUS_HEADER_ONLY
#include <cirrus/iam/impl/policy.ipp>
#endif
