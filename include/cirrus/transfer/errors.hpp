#pragma once
// Transfer error codes: what goes wrong in a transfer beyond the failure of one request
// (those keep the S3 client's and the transport's codes, with the server's words in the
// diagnostics). Cancellation completes with asio::error::operation_aborted, as every
// cirrus operation does.

#include <cirrus/core/error.hpp>

#include <boost/system/error_code.hpp>

#include <string>
#include <type_traits>

namespace cirrus::transfer {

enum class errc {
    ok = 0,
    not_a_regular_file = 1, // the upload source is a directory, device, socket ...
    worker_failed,          // a worker ended with an exception (its text is in the diagnostics)
    source_changed,         // the file changed size while it was being uploaded
    object_changed,         // the object changed (ETag or size) while it was being downloaded
    short_download,         // the server sent fewer bytes than the object's size
    unsafe_key,             // a key that would write outside the target directory ("..", "/x")
    not_deleted,            // delete_missing: the server kept an object (its code is in the message)
    invalid_csv,            // CSV that is not well formed (quotes), or a record over max_record_bytes
    csv_field_count,        // a CSV record with another number of fields than the header or the row type
    csv_no_column,          // the CSV header does not name a column for a member of the row type
    csv_bad_value,          // a CSV field that does not convert to its member's type
};

namespace detail {

class transfer_category final : public boost::system::error_category {
public:
    constexpr transfer_category() noexcept : error_category(0x6369727275737401ULL) {}
    const char* name() const noexcept override { return "cirrus.transfer"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "success";
        case errc::not_a_regular_file: return "the source is not a regular file";
        case errc::worker_failed: return "a transfer worker failed";
        case errc::source_changed: return "the source file changed during the upload";
        case errc::object_changed: return "the object changed during the download";
        case errc::short_download: return "the download ended before the object's size";
        case errc::unsafe_key: return "the key would write outside the target directory";
        case errc::not_deleted: return "the object was not deleted";
        case errc::invalid_csv: return "the CSV data is not well formed";
        case errc::csv_field_count: return "a CSV record has the wrong number of fields";
        case errc::csv_no_column: return "the CSV header has no column for a member of the row";
        case errc::csv_bad_value: return "a CSV field does not convert to its member's type";
        }
        return "unknown transfer error";
    }
};

} // namespace detail

inline const boost::system::error_category& transfer_category() noexcept {
    static constexpr detail::transfer_category category;
    return category;
}

inline error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), transfer_category()}; }

} // namespace cirrus::transfer

template <>
struct boost::system::is_error_code_enum<cirrus::transfer::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<cirrus::transfer::errc> : std::true_type {};
