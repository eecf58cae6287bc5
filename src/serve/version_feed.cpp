#include "serve/version_feed.h"

#include <chrono>

namespace tote {

void VersionFeed::publish(int64_t version, int64_t committed_at_ms) {
    {
        std::lock_guard lock(mu_);
        if (!history_.empty() && history_.back().version >= version) return;
        history_.push_back({version, committed_at_ms});
        if (history_.size() > kHistory) history_.pop_front();
    }
    cv_.notify_all();
}

VersionEvent VersionFeed::current() const {
    std::lock_guard lock(mu_);
    return history_.empty() ? VersionEvent{} : history_.back();
}

bool VersionFeed::empty() const {
    std::lock_guard lock(mu_);
    return history_.empty();
}

std::vector<VersionEvent> VersionFeed::wait_newer(int64_t after, int timeout_ms) const {
    std::unique_lock lock(mu_);
    auto has_newer = [&] {
        return closed_ || (!history_.empty() && history_.back().version > after);
    };
    cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), has_newer);
    std::vector<VersionEvent> out;
    if (closed_) return out;
    for (const auto& e : history_)
        if (e.version > after) out.push_back(e);
    return out;
}

void VersionFeed::close() {
    {
        std::lock_guard lock(mu_);
        closed_ = true;
    }
    cv_.notify_all();
}

bool VersionFeed::closed() const {
    std::lock_guard lock(mu_);
    return closed_;
}

}  // namespace tote
