#pragma once
// Progress of a transfer: bytes done and total, the rate since the start and the time
// left at that rate, handed to a callback at most once per `progress_interval` (and
// always once at the end), so that drawing a progress bar costs nothing measurable.
//
// Bytes are counted when a request finishes (a part uploaded, a range written), so the
// granularity is the part size; a single PUT or GET reports once, at its end.

#include <cirrus/core/views.hpp>

#include <chrono>
#include <cstdint>

namespace cirrus::transfer {

struct progress {
    std::uint64_t bytes_done = 0;  // this run's bytes plus those resumed
    std::uint64_t bytes_total = 0; // 0 when not known yet
    double bytes_per_second = 0;   // this run's bytes over its elapsed time
    std::chrono::milliseconds elapsed{0};
    std::chrono::milliseconds eta{0}; // at the current rate; 0 when unknown or done
    bool finished = false;            // the last report of a successful transfer
};

using progress_handler = callable_view<void(const progress&)>;

namespace detail {

// Throttles reports to a progress_handler.
class progress_meter {
public:
    using clock = std::chrono::steady_clock;

    progress_meter(const progress_handler& h, std::chrono::milliseconds interval) noexcept
        : handler_(h), interval_(interval), start_(clock::now()), last_(start_) {}

    void set_total(std::uint64_t total, std::uint64_t already_done = 0) noexcept {
        p_.bytes_total = total;
        p_.bytes_done = already_done;
        base_ = already_done;
    }
    void add(std::uint64_t n) {
        p_.bytes_done += n;
        if (!handler_) return;
        auto const now = clock::now();
        if (now - last_ < interval_) return;
        report(now);
    }
    void finish() {
        if (!handler_) return;
        p_.finished = true;
        report(clock::now());
    }

private:
    void report(clock::time_point now) {
        last_ = now;
        p_.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start_);
        double const secs = std::chrono::duration<double>(now - start_).count();
        p_.bytes_per_second = secs > 0 ? double(p_.bytes_done - base_) / secs : 0;
        p_.eta = std::chrono::milliseconds(0);
        if (!p_.finished && p_.bytes_per_second > 0 && p_.bytes_total > p_.bytes_done)
            p_.eta = std::chrono::milliseconds(
                static_cast<std::int64_t>(double(p_.bytes_total - p_.bytes_done) / p_.bytes_per_second * 1000));
        handler_(p_);
    }

    progress_handler handler_;
    std::chrono::milliseconds interval_;
    clock::time_point start_, last_;
    std::uint64_t base_ = 0;
    progress p_;
};

} // namespace detail
} // namespace cirrus::transfer
