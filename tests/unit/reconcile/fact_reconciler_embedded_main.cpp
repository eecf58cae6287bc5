// The FactReconciler tests on the embedded engine: one EmbeddedClickHouse for the whole binary
// (libchdb allows one connection per process), on a temporary warehouse folder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "fact_reconciler_world.h"
#include "sink/embedded_clickhouse.h"

namespace tote {
namespace {

std::filesystem::path g_dir;
std::unique_ptr<EmbeddedClickHouse> g_engine;

class EngineEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        char tmpl[] = "/tmp/tote-fact-reconcile-emb-XXXXXX";
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

TEST(FactReconcilerEngine, IsTheEmbedded26) {
    EXPECT_EQ(g_engine->server_version().substr(0, 3), "26.");
}

}  // namespace

ClickHouseConnection& reconcile_connection() {
    return *g_engine;
}

}  // namespace tote

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tote::EngineEnvironment);
    ::testing::AddGlobalTestEnvironment(tote::new_reconcile_world());
    return RUN_ALL_TESTS();
}
