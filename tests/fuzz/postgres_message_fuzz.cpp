// libFuzzer target: bytes a PostgreSQL server (or a hostile one) could send, fed to the
// client's framing, the response collector (result sets, errors, COPY refusal, describe,
// the byte limit), the startup-phase message parsers (with SCRAM's server messages and the
// bounded ParameterStatus table), every codec in both formats, the text parsers (with
// connection strings) and the receive buffer. The first byte selects the path; the rest
// is the input.
//
//   clang++-14 build: cmake -DCIRRUS_BUILD_FUZZERS=ON -DCMAKE_CXX_COMPILER=clang++-14
//   ./tests/fuzz/cirrus_fuzz_postgres_message -max_total_time=300 ../tests/fuzz/corpus/postgres_message

#include <cirrus/postgres/codec.hpp>
#include <cirrus/postgres/connect_params.hpp>
#include <cirrus/postgres/detail/collector.hpp>
#include <cirrus/postgres/detail/notification_queue.hpp>
#include <cirrus/postgres/detail/protocol.hpp>
#include <cirrus/postgres/detail/scram.hpp>
#include <cirrus/postgres/detail/server_parameters.hpp>
#include <cirrus/postgres/results.hpp>
#include <cirrus/postgres/types.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg = cirrus::postgres;
namespace pd = cirrus::postgres::detail;

namespace {

constexpr std::size_t max_body = 1 << 20;

template <class T>
void try_decode(const pg::field_data& f) {
    T v{};
    (void)pg::decode_field(f, v);
}

// Every reading of one field: the dynamic rendering and each codec.
void exercise_field(const pg::field_data& f) {
    std::string text;
    (void)pd::render_text(f, text);
    try_decode<bool>(f);
    try_decode<std::int16_t>(f);
    try_decode<std::int32_t>(f);
    try_decode<std::int64_t>(f);
    try_decode<float>(f);
    try_decode<double>(f);
    try_decode<std::string>(f);
    try_decode<std::string_view>(f);
    try_decode<pg::bytea>(f);
    try_decode<pg::numeric>(f);
    try_decode<pg::date>(f);
    try_decode<pg::time_of_day>(f);
    try_decode<pg::timestamp>(f);
    try_decode<pg::timestamptz>(f);
    try_decode<pg::interval>(f);
    try_decode<pg::uuid>(f);
    try_decode<pg::json>(f);
    try_decode<pg::inet>(f);
    try_decode<std::optional<std::int32_t>>(f);
    try_decode<std::vector<std::optional<std::int64_t>>>(f);
    try_decode<std::vector<std::optional<std::string>>>(f);
    try_decode<std::vector<pg::numeric>>(f);
    try_decode<std::vector<pg::timestamptz>>(f);
    try_decode<std::vector<pg::bytea>>(f);
    try_decode<std::vector<std::vector<std::optional<std::int32_t>>>>(f);
    try_decode<std::vector<std::vector<std::vector<std::string>>>>(f);
    try_decode<std::vector<std::vector<pg::numeric>>>(f);
    try_decode<std::vector<std::vector<std::vector<std::vector<std::vector<std::vector<std::optional<double>>>>>>>>(f);
}

constexpr pg::oid_t fuzz_oids[] = {
    pg::oids::boolean, pg::oids::bytea, pg::oids::char_, pg::oids::name, pg::oids::int8, pg::oids::int2,
    pg::oids::int4, pg::oids::text, pg::oids::oid, pg::oids::json, pg::oids::cidr, pg::oids::float4,
    pg::oids::float8, pg::oids::inet, pg::oids::bpchar, pg::oids::varchar, pg::oids::date, pg::oids::time,
    pg::oids::timestamp, pg::oids::timestamptz, pg::oids::interval, pg::oids::numeric, pg::oids::uuid,
    pg::oids::jsonb, pg::oids::int4_array, pg::oids::int8_array, pg::oids::text_array, pg::oids::numeric_array,
    pg::oids::timestamptz_array, pg::oids::bytea_array, pg::oids::float8_array, pg::oids::bool_array,
    pg::oids::interval_array, pg::oids::uuid_array, pg::oids::inet_array, pg::oids::jsonb_array, 600 /* point */};

// A stream of backend messages answering a query.
void fuzz_collector(std::string_view data, std::uint8_t flags) {
    pg::results res;
    std::vector<pg::column> portal(2);
    portal[0].type_oid = pg::oids::int4;
    portal[0].format = pg::format::binary;
    portal[1].type_oid = pg::oids::text_array;
    portal[1].format = (flags & 4) ? pg::format::binary : pg::format::text;
    pd::response_collector c;
    c.out = &res;
    c.describing = (flags & 1) != 0;
    if (flags & 2) c.portal_columns = &portal;
    if (flags & 8) c.max_bytes = 256; // past it, results are dropped and the rest only read
    cirrus::buffer reply;
    while (!data.empty()) {
        auto r = pd::parse_frame(data, max_body);
        if (r.status != pd::frame_status::complete) break;
        data.remove_prefix(r.size);
        if (c.on_message(r.message, reply)) break;
        if (c.done) break;
    }
    (void)c.result_code();
    for (const auto& rs : res) {
        (void)rs.affected_rows();
        for (auto row : rs) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                auto f = row[i];
                (void)f.to_string();
                exercise_field(f.data());
            }
        }
    }
}

// Messages of the startup phase (and the asynchronous ones a connection takes at any
// time: notices, ParameterStatus, NotificationResponse), parsed one by one.
void fuzz_startup(std::string_view data) {
    pd::server_parameters params;
    pd::notification_queue notifications(3);
    while (!data.empty()) {
        auto r = pd::parse_frame(data, max_body);
        if (r.status != pd::frame_status::complete) break;
        data.remove_prefix(r.size);
        const auto& m = r.message;
        switch (m.type) {
        case 'R': {
            pd::auth_request req;
            if (pd::parse_authentication(m.body, req)) break;
            if (req.code == 10) (void)pd::for_each_sasl_mechanism(req.data, [](std::string_view) {});
            // SCRAM's server-first and server-final messages, against a client whose
            // nonce is "fuzz" and whose iteration limit keeps PBKDF2 cheap.
            if (req.code == 11 || req.code == 12) {
                pd::scram_client scram("pw", pd::scram_client::binding::none);
                scram.limit_iterations(64);
                scram.client_first("fuzz");
                std::string final_msg;
                if (req.code == 11) (void)scram.server_first(req.data, final_msg);
                else if (!scram.server_first("r=fuzzS,s=c2FsdA==,i=1", final_msg)) (void)scram.server_final(req.data);
            }
            break;
        }
        case 'K': {
            pd::backend_key k;
            (void)pd::parse_backend_key_data(m.body, k);
            break;
        }
        case 'S': {
            std::string_view n, v;
            if (!pd::parse_parameter_status(m.body, n, v)) params.set(n, v);
            break;
        }
        case 'E': case 'N': {
            pg::server_message_fields f;
            (void)pd::parse_server_message(m.body, f);
            pg::diagnostics d;
            d.assign_server(f);
            (void)d.what();
            break;
        }
        case 'v': {
            std::int32_t minor;
            (void)pd::parse_negotiate_protocol_version(m.body, minor);
            break;
        }
        case 'A': {
            // NotificationResponse, into a connection's bounded queue (capacity 3).
            pg::notification n;
            if (!pd::parse_notification(m.body, n)) {
                notifications.push(std::move(n));
                if (notifications.size() == notifications.capacity() && (m.body.size() & 1)) (void)notifications.pop();
            }
            break;
        }
        case 'G': case 'H': case 'W': {
            // CopyInResponse / CopyOutResponse / CopyBothResponse.
            pg::format f;
            std::size_t n;
            (void)pd::parse_copy_response(m.body, f, n);
            break;
        }
        case 'C': {
            // The row count of a COPY's CommandComplete.
            std::string_view tag;
            if (!pd::parse_command_complete(m.body, tag)) (void)pd::affected_rows_of(tag);
            break;
        }
        case 'Z': {
            pg::transaction_status t;
            (void)pd::parse_ready_for_query(m.body, t);
            break;
        }
        case 'T': {
            std::vector<pg::column> cols;
            (void)pd::parse_row_description(m.body, cols);
            break;
        }
        case 't': {
            std::vector<pg::oid_t> types;
            (void)pd::parse_parameter_description(m.body, types);
            break;
        }
        default:
            break;
        }
    }
}

// The receive buffer, fed in chunks of varying size, with a small message ceiling.
void fuzz_reader(std::string_view data) {
    pd::message_reader reader(4096);
    std::size_t step = 1;
    while (true) {
        auto r = reader.next();
        if (r.status == pd::frame_status::complete) continue;
        if (r.status == pd::frame_status::error || data.empty()) break;
        auto space = reader.prepare();
        std::size_t n = std::min({space.size(), data.size(), step});
        std::memcpy(space.data(), data.data(), n);
        reader.commit(n);
        data.remove_prefix(n);
        step = step * 3 % 1021 + 1;
    }
}

void fuzz_text(std::string_view data) {
    std::string s(data);
    (void)pg::numeric::parse(s);
    (void)pg::uuid::parse(s);
    (void)pg::inet::parse(s);
    std::int64_t v;
    std::int32_t mo, d;
    (void)pd::parse_date_text(s, v);
    (void)pd::parse_time_text(s, v);
    (void)pd::parse_timestamp_text(s, true, v);
    (void)pd::parse_interval_text(s, mo, d, v);
    pd::text_array items;
    (void)pd::parse_text_array(s, items);
    pg::connect_params p;
    pg::diagnostics diag;
    (void)pg::parse_connection_string(s, p, &diag, [](std::string_view) { return std::optional<std::string>(); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size < 1) return 0;
    std::string_view data(reinterpret_cast<const char*>(bytes) + 1, size - 1);
    std::uint8_t selector = bytes[0];
    switch (selector % 6) {
    case 0:
        fuzz_collector(data, static_cast<std::uint8_t>(selector >> 3));
        break;
    case 1:
        fuzz_startup(data);
        break;
    case 2:
        fuzz_reader(data);
        break;
    case 3: {
        // data[0]: the column type (low 7 bits) and the format (high bit).
        if (data.size() < 1) break;
        auto tag = static_cast<std::uint8_t>(data[0]);
        auto oid = fuzz_oids[(tag & 0x7f) % std::size(fuzz_oids)];
        auto fmt = (tag & 0x80) ? pg::format::binary : pg::format::text;
        exercise_field(pg::field_data{oid, fmt, false, data.substr(1)});
        break;
    }
    case 4:
        fuzz_text(data);
        break;
    case 5: {
        // A DataRow body against a fixed column set.
        pg::resultset rs;
        std::vector<pg::column> cols(3);
        cols[0].type_oid = pg::oids::numeric;
        cols[0].format = pg::format::binary;
        cols[1].type_oid = pg::oids::int4_array;
        cols[1].format = pg::format::binary;
        cols[2].type_oid = pg::oids::interval;
        cols[2].format = (selector & 8) ? pg::format::binary : pg::format::text;
        rs.set_columns(cols);
        if (!rs.append_data_row(data)) {
            for (std::size_t i = 0; i < 3; ++i) exercise_field(rs[0][i].data());
        }
        break;
    }
    }
    return 0;
}
