// libFuzzer target: binary COPY data (what a COPY ... TO STDOUT (FORMAT binary), or a
// hostile server, could send) decoded into rows by copy_to_rows: the header, tuples split
// between messages at arbitrary points, every field through the codec of its member's
// type, the trailer and what follows it. The first byte selects the row type and how the
// rest is cut into messages.
//
//   clang++-14 build: cmake -DCIRRUS_BUILD_FUZZERS=ON -DCMAKE_CXX_COMPILER=clang++-14
//   ./tests/fuzz/cirrus_fuzz_postgres_copy -max_total_time=300 ../tests/fuzz/corpus/postgres_copy

#include <cirrus/postgres/copy.hpp>

#include <boost/describe.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace pg = cirrus::postgres;
namespace pd = cirrus::postgres::detail;

namespace {

struct wide_row {
    bool b;
    std::int16_t i2;
    std::int32_t i4;
    std::int64_t i8;
    float f4;
    std::optional<double> f8;
    std::string text;
    pg::bytea bytes;
    std::optional<pg::numeric> num;
    pg::date day;
    std::optional<pg::timestamptz> at;
    pg::interval span;
    pg::uuid id;
    pg::json doc;
    std::optional<pg::inet> addr;
    std::optional<std::vector<std::optional<std::int64_t>>> ints;
    std::vector<std::vector<std::string>> grid;
};
BOOST_DESCRIBE_STRUCT(wide_row, (), (b, i2, i4, i8, f4, f8, text, bytes, num, day, at, span, id, doc, addr, ints, grid))

using narrow_row = std::tuple<std::int32_t, std::optional<std::string>>;

// Feeds `data` in messages of `step`, `step * 3 % 61 + 1`, ... bytes, then the end.
template <class Row>
void decode(std::string_view data, std::size_t step) {
    std::size_t count = 0;
    auto sink = pg::copy_to_rows<Row>([&](Row&&) -> cirrus::error_code {
        // A handler that stops after a while, as a failing one would.
        if (++count == 1000) return make_error_code(pg::client_errc::result_too_large);
        return {};
    });
    auto& st = *pd::copy_row_access::state(sink);
    // A row limit that varies with the input (rows past it are refused as they arrive).
    st.decoder.limit_tuple_bytes(32 + data.size() % 1024);
    cirrus::error_code ec;
    while (!data.empty() && !ec) {
        std::size_t n = std::min(step, data.size());
        ec = st.take(data.substr(0, n));
        data.remove_prefix(n);
        step = step * 3 % 61 + 1;
    }
    if (!ec) ec = st.take({});
    if (ec) (void)st.explanation();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size < 1) return 0;
    std::string_view data(reinterpret_cast<const char*>(bytes) + 1, size - 1);
    const std::uint8_t selector = bytes[0];
    // Without a signature, inputs would stop at the first byte: most of them get one.
    std::string with_header;
    if (selector & 0x80) {
        with_header.assign("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0", 19);
        with_header.append(data);
        data = with_header;
    }
    const std::size_t step = ((selector >> 2) & 0x1f) == 0 ? data.size() + 1 : (selector >> 2) & 0x1f;
    switch (selector & 3) {
    case 0: decode<wide_row>(data, step); break;
    case 1: decode<narrow_row>(data, step); break;
    case 2: decode<std::int64_t>(data, step); break;
    default: decode<std::optional<std::string>>(data, step); break;
    }
    return 0;
}
