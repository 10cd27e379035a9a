#pragma once
// An exchange (request body, the HTTP call and its response) leased from the client's pool
// and given back, cleared but keeping its buffers, when the lease ends: a steady stream of
// requests allocates nothing for them. The core must outlive the lease.

#include <cirrus/core/config.hpp>

#include <memory>

namespace cirrus::dynamodb::detail {

class core;
struct exchange;

struct exchange_returner {
    core* c = nullptr;
    CIRRUS_DECL void operator()(exchange* x) const noexcept;
};
using exchange_lease = std::unique_ptr<exchange, exchange_returner>;

} // namespace cirrus::dynamodb::detail
