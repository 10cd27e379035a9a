#pragma once
// The notifications a connection received and nobody has taken yet: bounded, oldest
// first. When it is full the oldest is dropped and counted (docs/postgres.md,
// "LISTEN/NOTIFY").

#include <cirrus/postgres/notification.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace cirrus::postgres::detail {

class notification_queue {
public:
    explicit notification_queue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

    void push(notification n) {
        if (q_.size() >= capacity_) {
            q_.pop_front();
            ++dropped_;
        }
        q_.push_back(std::move(n));
    }
    bool empty() const noexcept { return q_.empty(); }
    std::size_t size() const noexcept { return q_.size(); }
    std::size_t capacity() const noexcept { return capacity_; }
    // Precondition: !empty().
    notification pop() {
        notification n = std::move(q_.front());
        q_.pop_front();
        return n;
    }
    // Dropped for want of room since the connection was made.
    std::uint64_t dropped() const noexcept { return dropped_; }

private:
    std::size_t capacity_;
    std::deque<notification> q_;
    std::uint64_t dropped_ = 0;
};

} // namespace cirrus::postgres::detail
