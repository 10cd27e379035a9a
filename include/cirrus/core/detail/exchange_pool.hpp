#pragma once
// Exchanges (the request and response buffers of one call) kept for reuse by the later
// operations of the same client, for every client that pools them (S3, DynamoDB): a steady
// stream of requests then allocates nothing for building requests or reading responses.
// Bounded (max_kept exchanges) and thread-safe: an exchange may be taken where an
// operation is started, on the caller's thread.
//
// T is default-constructible (with the storage a typical call needs) and has
// `void clear() noexcept`, which empties it for the next call, keeping its storage (or
// letting go of what it should not keep).

#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace cirrus::detail {

template <class T>
class exchange_pool {
public:
    static constexpr std::size_t max_kept = 64;

    // Gives an exchange back to the pool when a lease ends.
    struct returner {
        exchange_pool* pool;
        void operator()(T* x) const noexcept { pool->release(x); }
    };
    using lease = std::unique_ptr<T, returner>;

    // A kept exchange, else a new one; the caller gives it back with release().
    std::unique_ptr<T> take() {
        {
            std::lock_guard lock(mutex_);
            if (!free_.empty()) {
                std::unique_ptr<T> x = std::move(free_.back());
                free_.pop_back();
                return x;
            }
        }
        return std::make_unique<T>();
    }

    // The same, given back when the lease ends.
    lease acquire() { return lease(take().release(), returner{this}); }

    // Clears x and keeps it, when there is room.
    void release(T* x) noexcept {
        std::unique_ptr<T> owned(x);
        owned->clear();
        std::lock_guard lock(mutex_);
        if (free_.size() < max_kept) {
            try {
                free_.push_back(std::move(owned));
            } catch (...) { // no room to keep it: let it go
            }
        }
    }

private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<T>> free_;
};

} // namespace cirrus::detail
