#pragma once
// A NOTIFY received on a connection that LISTENs (docs/postgres.md, "LISTEN/NOTIFY").

#include <cstdint>
#include <string>

namespace cirrus::postgres {

struct notification {
    std::string channel;        // the channel named by NOTIFY (as the server spells it)
    std::string payload;        // empty when NOTIFY gave none
    std::int32_t sender_pid = 0; // the backend process that sent it (pg_backend_pid())
};

} // namespace cirrus::postgres
