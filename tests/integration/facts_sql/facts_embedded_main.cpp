// The facts scenario on the embedded engine: one process, one EmbeddedClickHouse for every test
// (libchdb allows one connection per process), on a temporary warehouse folder.
#include <gtest/gtest.h>

#include "../support/embedded_environment.h"
#include "facts_scenario.h"

namespace tote {
namespace {

TEST(FactsEngine, IsTheEmbedded26) {
    EXPECT_EQ(EmbeddedEnvironment::engine().server_version().substr(0, 3), "26.");
}

}  // namespace

ClickHouseConnection& facts_connection() {
    return EmbeddedEnvironment::engine();
}
std::string facts_database_prefix() {
    return "emb_";
}

}  // namespace tote

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tote::EmbeddedEnvironment("/tmp/tote-facts-sql-"));
    return RUN_ALL_TESTS();
}
