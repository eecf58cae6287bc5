#pragma once
// The warehouse versions a dashboard follows: a version is the log offset up to which facts are
// committed (durable) in the warehouse; it only grows. The process that commits (or a poller)
// publishes each new version; every server-sent-event stream waits here and sends each version
// it has not sent yet, in order, so no viewer misses one (the last kHistory are kept).
//
// Thread-safe: publish, current, wait_newer and close may be called from any thread.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

namespace tote {

struct VersionEvent {
    int64_t version = -1;         // the durable log offset; -1 = nothing published yet
    int64_t committed_at_ms = 0;  // wall clock (UTC ms) when tote learned of the commit
};

class VersionFeed {
public:
    static constexpr size_t kHistory = 4096;

    // Adds a version if it is newer than the current one (older or equal ones are ignored) and
    // wakes every waiter.
    void publish(int64_t version, int64_t committed_at_ms);
    // The newest version (version -1 before the first publish).
    VersionEvent current() const;
    // Nothing published yet.
    bool empty() const;
    // Every version newer than `after`, oldest first, waiting up to `timeout_ms` for one to
    // arrive; empty on timeout or once closed. A waiter that fell more than kHistory versions
    // behind gets the oldest kept ones (and then the rest).
    std::vector<VersionEvent> wait_newer(int64_t after, int timeout_ms) const;
    // Wakes every waiter for good (the server is stopping).
    void close();
    bool closed() const;

private:
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::deque<VersionEvent> history_;
    bool closed_ = false;
};

}  // namespace tote
