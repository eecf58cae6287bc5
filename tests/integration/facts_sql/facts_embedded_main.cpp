// The facts scenario on the embedded engine: one process, one EmbeddedClickHouse for every test
// (libchdb allows one connection per process), on a temporary warehouse folder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "facts_scenario.h"
#include "sink/embedded_clickhouse.h"

namespace tote {
namespace {

std::filesystem::path g_dir;
std::unique_ptr<EmbeddedClickHouse> g_engine;

class EngineEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        char tmpl[] = "/tmp/tote-facts-sql-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        g_dir = tmpl;
        g_engine = std::make_unique<EmbeddedClickHouse>(g_dir / "warehouse");
    }
    void TearDown() override {
        g_engine.reset();
        std::error_code ec;
        std::filesystem::remove_all(g_dir, ec);
    }
};

TEST(FactsEngine, IsTheEmbedded26) {
    EXPECT_EQ(g_engine->server_version().substr(0, 3), "26.");
}

}  // namespace

ClickHouseConnection& facts_connection() {
    return *g_engine;
}
std::string facts_database_prefix() {
    return "emb_";
}

}  // namespace tote

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tote::EngineEnvironment);
    return RUN_ALL_TESTS();
}
