#include "sink/retrying_connection.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "fake_connection.h"

namespace tote {
namespace {

using std::chrono::milliseconds;

// Fails the first `failures` queries with `cls`, then answers.
class FailingConnection : public FakeConnection {
public:
    int failures = 0;
    ErrorClass cls = ErrorClass::Retriable;
    int calls = 0;
    std::string query(std::string_view sql, std::string_view format) override {
        ++calls;
        if (failures > 0) {
            --failures;
            throw ToteError(cls, "failure " + std::to_string(failures));
        }
        return FakeConnection::query(sql, format);
    }
};

RetryPolicy no_wait(std::vector<milliseconds>* waits = nullptr) {
    RetryPolicy p;
    p.wait = [waits](milliseconds d, const std::atomic<bool>*) {
        if (waits) waits->push_back(d);
        return true;
    };
    return p;
}

TEST(RetryingConnection, BackoffDoublesUpToTheCap) {
    FakeConnection inner;
    RetryPolicy p;
    p.initial_backoff = milliseconds(100);
    p.max_backoff = milliseconds(1000);
    RetryingConnection c(inner, p);
    EXPECT_EQ(c.backoff(2), milliseconds(100));
    EXPECT_EQ(c.backoff(3), milliseconds(200));
    EXPECT_EQ(c.backoff(5), milliseconds(800));
    EXPECT_EQ(c.backoff(6), milliseconds(1000));
    EXPECT_EQ(c.backoff(60), milliseconds(1000));
}

TEST(RetryingConnection, RetriesRetriableErrorsAndCountsThem) {
    FailingConnection inner;
    inner.failures = 2;
    std::vector<milliseconds> waits;
    RetryingConnection c(inner, no_wait(&waits));
    inner.answer = [](const std::string&) { return std::optional<std::string>("1\n"); };
    EXPECT_EQ(c.query("SELECT 1"), "1\n");
    EXPECT_EQ(inner.calls, 3);
    EXPECT_EQ(waits, (std::vector<milliseconds>{milliseconds(100), milliseconds(200)}));
    EXPECT_EQ(c.stats().retries, 2u);
    EXPECT_EQ(c.stats().last_error, "failure 0");
}

TEST(RetryingConnection, FatalErrorsPassAtOnce) {
    FailingConnection inner;
    inner.failures = 1;
    inner.cls = ErrorClass::Fatal;
    RetryingConnection c(inner, no_wait());
    EXPECT_THROW(c.query("SELECT 1"), ToteError);
    EXPECT_EQ(inner.calls, 1);
    EXPECT_EQ(c.stats().retries, 0u);
    EXPECT_EQ(c.stats().last_error, "");
}

}  // namespace
}  // namespace tote
