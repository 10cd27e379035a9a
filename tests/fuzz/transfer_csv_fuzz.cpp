// libFuzzer target: CSV bytes (an S3 object's, so anyone's) through csv_parser and
// csv_row_reader: quoting, line endings and records split between pieces at arbitrary
// points, the header mapping and every conversion. The first byte selects the options and
// how the rest is cut into pieces.
//
//   clang++-14 build: cmake -DCIRRUS_BUILD_FUZZERS=ON -DCMAKE_CXX_COMPILER=clang++-14
//   ./tests/fuzz/cirrus_fuzz_transfer_csv -max_total_time=300 ../tests/fuzz/corpus/transfer_csv

#include <cirrus/transfer/csv_reader.hpp>

#include <boost/describe/class.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ct = cirrus::transfer;

namespace {

struct row {
    std::string name;
    std::int32_t n = 0;
    std::optional<double> x;
    std::optional<bool> flag;
    std::uint64_t big = 0;
};
BOOST_DESCRIBE_STRUCT(row, (), (name, n, x, flag, big))

struct pair_row {
    std::optional<std::int16_t> a;
    std::string b;
};

// Feeds `data` in pieces of `step`, `step * 3 % 61 + 1`, ... bytes, then the end.
template <class Feed, class Finish>
void in_pieces(std::string_view data, std::size_t step, Feed feed, Finish finish) {
    cirrus::error_code ec;
    while (!data.empty() && !ec) {
        std::size_t const n = std::min(step, data.size());
        ec = feed(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data.data()), n));
        data.remove_prefix(n);
        step = step * 3 % 61 + 1;
    }
    if (!ec) (void)finish();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size < 1) return 0;
    std::string_view const data(reinterpret_cast<const char*>(bytes) + 1, size - 1);
    const std::uint8_t selector = bytes[0];
    ct::csv_options o;
    o.header = (selector & 1) != 0;
    o.trim_spaces = (selector & 2) != 0;
    if (selector & 4) o.delimiter = ';';
    o.max_record_bytes = 64 + data.size() % 512;
    const std::size_t step = ((selector >> 4) & 0xf) == 0 ? data.size() + 1 : (selector >> 4) & 0xf;
    // Rows of one type; a handler that stops after a while, as a failing one would.
    auto read_as = [&]<class Row>(Row*) {
        std::size_t count = 0;
        ct::csv_row_reader<Row> r(o);
        auto on = [&](Row&&) {
            return ++count == 500 ? make_error_code(ct::errc::csv_bad_value) : cirrus::error_code{};
        };
        in_pieces(
            data, step, [&](auto piece) { return r.feed(piece, on); }, [&] { return r.finish(on); });
        (void)r.message();
    };
    if (selector & 8) read_as(static_cast<pair_row*>(nullptr));
    else read_as(static_cast<row*>(nullptr));
    // The parser alone, fields untyped.
    ct::csv_parser p(o);
    auto fields = [](std::span<const std::string_view> f, std::uint64_t) {
        std::size_t total = 0;
        for (auto v : f) total += v.size();
        return total > (1u << 30) ? make_error_code(ct::errc::invalid_csv) : cirrus::error_code{};
    };
    in_pieces(
        data, step, [&](auto piece) { return p.feed(piece, fields); }, [&] { return p.finish(fields); });
    return 0;
}
