// The FactReconciler tests on a real ClickHouse 18.16 server (Debian's clickhouse-server) over
// HTTP, started on a free port in a temporary folder and stopped at the end. Exit 77 (ctest SKIP)
// only when clickhouse-server is not installed.
#include <gtest/gtest.h>

#include <cstdio>

#include "../../integration/support/clickhouse18_environment.h"
#include "fact_reconciler_world.h"

namespace tote {
namespace {

TEST(FactReconcilerEngine, IsTheServer1816) {
    EXPECT_EQ(ClickHouse18Environment::server().server_version().substr(0, 6), "18.16.");
}

}  // namespace

ClickHouseConnection& reconcile_connection() {
    return ClickHouse18Environment::server();
}

}  // namespace tote

int main(int argc, char** argv) {
    if (!tote::ClickHouse18Environment::installed()) {
        std::printf("clickhouse-server is not installed: skipping\n");
        return 77;
    }
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(
        new tote::ClickHouse18Environment("/tmp/tote-fact-reconcile-18-"));
    ::testing::AddGlobalTestEnvironment(tote::new_reconcile_world());
    return RUN_ALL_TESTS();
}
