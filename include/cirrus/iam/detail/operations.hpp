#pragma once
// The IAM operations over the shared AWS service core, defined in iam/impl/operations.ipp
// (compiled once with CIRRUS_SEPARATE_COMPILATION).

#include <cirrus/aws/detail/service.hpp>
#include <cirrus/core/config.hpp>
#include <cirrus/core/diagnostics.hpp>
#include <cirrus/iam/model.hpp>

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace cirrus::iam {

struct create_user_request {
    std::string_view user_name;
    std::string_view path = {};
};
struct get_user_request {
    std::string_view user_name = {}; // empty: the caller
};
struct list_users_request {
    std::string_view path_prefix = {};
    std::string_view marker = {};
    int max_items = 0; // 0: the service's default
};
struct delete_user_request {
    std::string_view user_name;
};
struct create_access_key_request {
    std::string_view user_name = {};
};
struct list_access_keys_request {
    std::string_view user_name = {};
    std::string_view marker = {};
    int max_items = 0;
};
struct delete_access_key_request {
    std::string_view user_name;
    std::string_view access_key_id;
};

} // namespace cirrus::iam

namespace cirrus::iam::detail {

using task = boost::asio::awaitable<error_code>;
using aws::detail::service;

CIRRUS_DECL aws::detail::service_names names() noexcept;

CIRRUS_DECL error_code parse(std::string_view xml, user& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<user>& out);
CIRRUS_DECL error_code parse(std::string_view xml, access_key& out);
CIRRUS_DECL error_code parse(std::string_view xml, page<access_key>& out);
CIRRUS_DECL error_code parse(std::string_view xml, empty_result& out);

namespace ops {
CIRRUS_DECL task create_user(service& s, const create_user_request& r, user& out, diagnostics& diag);
CIRRUS_DECL task get_user(service& s, const get_user_request& r, user& out, diagnostics& diag);
CIRRUS_DECL task list_users(service& s, const list_users_request& r, page<user>& out, diagnostics& diag);
CIRRUS_DECL task delete_user(service& s, const delete_user_request& r, empty_result& out, diagnostics& diag);
CIRRUS_DECL task create_access_key(service& s, const create_access_key_request& r, access_key& out, diagnostics& diag);
CIRRUS_DECL task list_access_keys(service& s, const list_access_keys_request& r, page<access_key>& out,
                                  diagnostics& diag);
CIRRUS_DECL task delete_access_key(service& s, const delete_access_key_request& r, empty_result& out,
                                   diagnostics& diag);
} // namespace ops

template <class Request>
struct operation;
#define CIRRUS_IAM_OPERATION(name, result)                                                                             \
    template <>                                                                                                        \
    struct operation<name##_request> {                                                                                 \
        using result_type = result;                                                                                    \
        static task run(service& s, const name##_request& r, result_type& o, diagnostics& d) {                         \
            return ops::name(s, r, o, d);                                                                              \
        }                                                                                                              \
    };
CIRRUS_IAM_OPERATION(create_user, user)
CIRRUS_IAM_OPERATION(get_user, user)
CIRRUS_IAM_OPERATION(list_users, page<user>)
CIRRUS_IAM_OPERATION(delete_user, empty_result)
CIRRUS_IAM_OPERATION(create_access_key, access_key)
CIRRUS_IAM_OPERATION(list_access_keys, page<access_key>)
CIRRUS_IAM_OPERATION(delete_access_key, empty_result)
#undef CIRRUS_IAM_OPERATION

} // namespace cirrus::iam::detail

#if CIRRUS_HEADER_ONLY
#include <cirrus/iam/impl/operations.ipp>
#endif
