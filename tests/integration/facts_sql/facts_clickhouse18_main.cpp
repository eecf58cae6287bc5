// The facts scenario on a real ClickHouse 18.16 server (Debian's clickhouse-server) over HTTP,
// started on a free port in a temporary folder by scripts/clickhouse18.sh and stopped at the end.
// Exit 77 (ctest SKIP) only when clickhouse-server is not installed.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "../support/clickhouse18_environment.h"
#include "core/unique_fd.h"
#include "facts_scenario.h"
#include "sink/http_clickhouse.h"

#ifndef TOTE_SOURCE_DIR
#error "TOTE_SOURCE_DIR must be defined"
#endif

namespace tote {
namespace {

HttpClickHouse& server() {
    return ClickHouse18Environment::server();
}

TEST(FactsEngine, IsTheServer1816) {
    EXPECT_EQ(server().server_version().substr(0, 6), "18.16.");
}

}  // namespace

ClickHouseConnection& facts_connection() {
    return server();
}
std::string facts_database_prefix() {
    return "ch18_";
}

}  // namespace tote

int main(int argc, char** argv) {
    if (!tote::ClickHouse18Environment::installed()) {
        std::printf("clickhouse-server is not installed: skipping\n");
        return 77;
    }
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(
        new tote::ClickHouse18Environment("/tmp/tote-facts-sql-18-"));
    return RUN_ALL_TESTS();
}
