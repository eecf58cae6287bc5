#pragma once
// A ClickHouseConnection that retries what another one reports as Retriable (connection
// refused, timeouts, a busy server): the same call again after an exponential backoff, up to a
// limit, then the last error with the number of attempts. Fatal errors pass at once.
//
// Safe to retry because every write of tote is idempotent (docs/architecture.md, "Exactly
// once"): an insert that reached the server before the connection dropped is written again with
// the same rows and versions, which collapse; DDL is IF NOT EXISTS or re-checked by its caller.
//
// A wait ends early when the stop flag is set (Ctrl-C): the call then fails with the last
// error, classed Retriable, and the process stops as after any retriable failure.
// Thread-safe as far as the wrapped connection is (the counters are atomic).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "sink/clickhouse_connection.h"

namespace tote {

struct RetryPolicy {
    int max_attempts = 8;                            // 1 = no retry
    std::chrono::milliseconds initial_backoff{100};  // before the 2nd attempt
    std::chrono::milliseconds max_backoff{10'000};   // the doubling stops here
    // Waits `d` unless `stop` becomes true; returns false when stopped. Default: sleeps in
    // slices of at most 50 ms, checking the flag (it is set from a signal handler, which cannot
    // notify a condition variable). Tests put their own here.
    std::function<bool(std::chrono::milliseconds d, const std::atomic<bool>* stop)> wait;
};

struct RetryStats {
    uint64_t retries = 0;    // attempts after a retriable failure, since the start
    std::string last_error;  // the message of the latest retriable failure ("" when none)
};

class RetryingConnection final : public ClickHouseConnection {
public:
    RetryingConnection(ClickHouseConnection& inner, RetryPolicy policy = {});

    // The flag that ends a backoff early (nullptr: none). Set before the calls that use it.
    void set_stop_flag(const std::atomic<bool>* stop) { stop_ = stop; }

    std::string query(std::string_view sql, std::string_view format = "TabSeparated") override;
    std::string query_readonly(std::string_view sql,
                               std::string_view format = "TabSeparated") override;
    // People's statements are not retried (a cancelled one must stay cancelled).
    std::string query_readonly_as(std::string_view query_id, std::string_view sql,
                                  std::string_view format = "TabSeparated") override {
        return inner_.query_readonly_as(query_id, sql, format);
    }
    std::string cancel_unsupported() const override { return inner_.cancel_unsupported(); }
    void exclusively(const std::function<void()>& fn) override { inner_.exclusively(fn); }
    bool cancel_query(std::string_view query_id) override { return inner_.cancel_query(query_id); }
    void set_read_limits(const ReadLimits& limits) override {
        read_limits_ = limits;
        inner_.set_read_limits(limits);
    }
    void insert_row_binary(std::string_view database_table, std::string_view columns,
                           std::string_view rows) override;
    std::string server_version() override;
    std::string describe() const override { return inner_.describe(); }

    RetryStats stats() const;
    // The backoff before attempt `attempt` (2, 3, ...): initial x 2^(attempt-2), capped.
    std::chrono::milliseconds backoff(int attempt) const;

private:
    template <class F>
    auto run(F&& call) -> decltype(call());

    ClickHouseConnection& inner_;
    RetryPolicy policy_;
    const std::atomic<bool>* stop_ = nullptr;
    std::atomic<uint64_t> retries_{0};
    mutable std::mutex mu_;  // guards last_error_
    std::string last_error_;
};

}  // namespace tote
