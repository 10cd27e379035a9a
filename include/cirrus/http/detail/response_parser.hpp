#pragma once
// The response parser the transport reads with: Beast's HTTP/1 parser (status line,
// fields, framing, chunked decoding, obs-fold, header limit) with the fields appended
// straight to a header_map and the body copied into memory the caller names, a piece at
// a time. Nothing is allocated per response once the header_map has grown.
//
// The header limit bounds the whole head. Beast's own check applies to the bytes of one
// put() that it has not consumed yet, and the first put() consumes the complete fields it
// holds: a head whose first read held 16 KB of fields passed a 64 KiB limit with 80 KB,
// so the limit depended on where reads ended. So the fields delivered are counted too
// (name, value and the three bytes of ":" and CRLF that each field has at least, so never
// more than were received), and their sum may not pass the limit either.

#include <cirrus/core/error.hpp>
#include <cirrus/http/headers.hpp>

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace cirrus::http::detail {

class response_parser final : public boost::beast::http::basic_parser<false> {
public:
    using string_view = boost::beast::string_view;

    // The fields go to `headers` (cleared here).
    explicit response_parser(header_map& headers) : headers_(&headers) { headers.clear(); }

    unsigned status() const noexcept { return status_; }

    // Hides Beast's: the same limit, also on the sum of the fields (above).
    void header_limit(std::uint32_t bytes) noexcept {
        basic_parser::header_limit(bytes);
        field_limit_ = bytes;
    }

    // Where the next body bytes go, and how many fit.
    void body_buffer(void* out, std::size_t size) noexcept {
        out_ = static_cast<char*>(out);
        left_ = size;
    }
    // Room left in the body buffer.
    std::size_t body_space() const noexcept { return left_; }

private:
    void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code& ec) override {
        ec = boost::beast::http::error::bad_version; // never called for a response parser
    }
    void on_response_impl(int code, string_view, int, error_code&) override { status_ = static_cast<unsigned>(code); }
    void on_field_impl(boost::beast::http::field, string_view name, string_view value, error_code& ec) override {
        field_bytes_ += name.size() + value.size() + 3;
        if (field_bytes_ > field_limit_) {
            ec = boost::beast::http::error::header_limit;
            return;
        }
        headers_->append(std::string_view(name.data(), name.size()), std::string_view(value.data(), value.size()));
    }
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
    std::size_t on_body_impl(string_view body, error_code& ec) override { return store(body, ec); }
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override { return store(body, ec); }
    void on_finish_impl(error_code&) override {}

    std::size_t store(string_view body, error_code& ec) noexcept {
        const std::size_t n = std::min(left_, body.size());
        if (n != 0) std::memcpy(out_, body.data(), n);
        out_ += n;
        left_ -= n;
        if (n < body.size()) ec = boost::beast::http::error::need_buffer; // the rest comes on the next call
        return n;
    }

    header_map* headers_;
    unsigned status_ = 0;
    std::size_t field_limit_ = 8192; // Beast's default header limit
    std::size_t field_bytes_ = 0;
    char* out_ = nullptr;
    std::size_t left_ = 0;
};

} // namespace cirrus::http::detail
