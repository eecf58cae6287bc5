#include "transform/transaction/released_transaction_memory.h"

#include <gtest/gtest.h>

namespace tote {
namespace {

TEST(ReleasedTransactionMemory, ForgetsOldestBeyondCapacity) {
    ReleasedTransactionMemory m(2);
    ReleasedTransactionMemory::Entry whole{true, true, 3, 3};
    m.remember(1, whole);
    m.remember(2, whole);
    m.remember(3, whole);
    EXPECT_EQ(m.find(1), nullptr);
    ASSERT_NE(m.find(2), nullptr);
    ASSERT_NE(m.find(3), nullptr);
    EXPECT_EQ(m.size(), 2u);
}

TEST(ReleasedTransactionMemory, RememberingAgainRefreshesTheEntry) {
    ReleasedTransactionMemory m(2);
    m.remember(1, {false, false, 0, 1});
    m.remember(2, {true, true, 1, 1});
    m.remember(1, {false, true, 4, 2});  // 1 is now the newest
    m.remember(3, {true, true, 1, 1});   // so 2 is forgotten
    EXPECT_EQ(m.find(2), nullptr);
    ASSERT_NE(m.find(1), nullptr);
    EXPECT_EQ(m.find(1)->received, 2u);
    EXPECT_EQ(m.find(1)->event_count, 4u);
    ASSERT_NE(m.find(3), nullptr);
    EXPECT_EQ(m.size(), 2u);
}

TEST(ReleasedTransactionMemory, CapacityZeroRemembersNothing) {
    ReleasedTransactionMemory m(0);
    m.remember(1, {true, true, 1, 1});
    EXPECT_EQ(m.find(1), nullptr);
}

}  // namespace
}  // namespace tote
