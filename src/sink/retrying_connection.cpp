#include "sink/retrying_connection.h"

#include <algorithm>
#include <thread>

#include "core/error.h"

namespace tote {
namespace {

bool sliced_wait(std::chrono::milliseconds d, const std::atomic<bool>* stop) {
    using Clock = std::chrono::steady_clock;
    const auto until = Clock::now() + d;
    while (true) {
        if (stop && stop->load(std::memory_order_relaxed)) return false;
        const auto now = Clock::now();
        if (now >= until) return true;
        std::this_thread::sleep_for(
            std::min<Clock::duration>(until - now, std::chrono::milliseconds(50)));
    }
}

}  // namespace

RetryingConnection::RetryingConnection(ClickHouseConnection& inner, RetryPolicy policy)
    : inner_(inner), policy_(std::move(policy)) {
    if (!policy_.wait) policy_.wait = &sliced_wait;
    policy_.max_attempts = std::max(policy_.max_attempts, 1);
}

std::chrono::milliseconds RetryingConnection::backoff(int attempt) const {
    auto d = policy_.initial_backoff;
    for (int i = 2; i < attempt && d < policy_.max_backoff; ++i) d *= 2;
    return std::min(d, policy_.max_backoff);
}

template <class F>
auto RetryingConnection::run(F&& call) -> decltype(call()) {
    for (int attempt = 1;; ++attempt) {
        try {
            return call();
        } catch (const ToteError& e) {
            if (!e.retriable()) throw;
            {
                std::lock_guard lock(mu_);
                last_error_ = e.what();
            }
            if (attempt >= policy_.max_attempts)
                throw ToteError(ErrorClass::Retriable,
                                std::string(e.what()) + " (gave up after " +
                                    std::to_string(attempt) +
                                    " attempts: check the warehouse, then run the command again; "
                                    "it resumes from the last committed position)");
            if (!policy_.wait(backoff(attempt + 1), stop_))
                throw ToteError(ErrorClass::Retriable,
                                std::string(e.what()) + " (stopped while waiting to retry)");
            retries_.fetch_add(1, std::memory_order_relaxed);
        }
    }
}

std::string RetryingConnection::query(std::string_view sql, std::string_view format) {
    return run([&] { return inner_.query(sql, format); });
}

std::string RetryingConnection::query_readonly(std::string_view sql, std::string_view format) {
    return run([&] { return inner_.query_readonly(sql, format); });
}

void RetryingConnection::insert_row_binary(std::string_view database_table,
                                           std::string_view columns, std::string_view rows) {
    run([&] { inner_.insert_row_binary(database_table, columns, rows); });
}

std::string RetryingConnection::server_version() {
    return run([&] { return inner_.server_version(); });
}

RetryStats RetryingConnection::stats() const {
    RetryStats s;
    s.retries = retries_.load(std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    s.last_error = last_error_;
    return s;
}

}  // namespace tote
