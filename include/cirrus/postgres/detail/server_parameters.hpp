#pragma once
// The ParameterStatus values a server reported (server_version, TimeZone ...), bounded:
// a server reports about fifteen, and a hostile one could otherwise grow the connection's
// memory with every new name it invents.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::postgres::detail {

class server_parameters {
public:
    // PostgreSQL reports about fifteen parameters; extensions may add a few (GUC_REPORT).
    static constexpr std::size_t max_names = 256;
    // Names and values together; the largest real value (search_path, a long
    // application_name) is far below.
    static constexpr std::size_t max_bytes = 256 * 1024;

    // A new name beyond the limits is dropped; a known name whose new value would break
    // the byte limit is forgotten rather than left with its old value.
    void set(std::string_view name, std::string_view value) {
        auto it = values_.find(name);
        if (it != values_.end()) {
            bytes_ -= it->second.size();
            if (bytes_ + value.size() > max_bytes) {
                bytes_ -= it->first.size();
                values_.erase(it);
                return;
            }
            it->second.assign(value);
            bytes_ += value.size();
            return;
        }
        if (values_.size() >= max_names || bytes_ + name.size() + value.size() > max_bytes) return;
        values_.emplace(std::string(name), std::string(value));
        bytes_ += name.size() + value.size();
    }

    std::optional<std::string_view> find(std::string_view name) const {
        auto it = values_.find(name);
        if (it == values_.end()) return std::nullopt;
        return std::string_view(it->second);
    }

    std::size_t size() const noexcept { return values_.size(); }
    std::size_t bytes() const noexcept { return bytes_; }

    void clear() noexcept {
        values_.clear();
        bytes_ = 0;
    }

private:
    std::map<std::string, std::string, std::less<>> values_;
    std::size_t bytes_ = 0;
};

} // namespace cirrus::postgres::detail
