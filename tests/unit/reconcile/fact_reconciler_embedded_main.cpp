// The FactReconciler tests on the embedded engine: one EmbeddedClickHouse for the whole binary
// (libchdb allows one connection per process), on a temporary warehouse folder.
#include <gtest/gtest.h>

#include "../../integration/support/embedded_environment.h"
#include "fact_reconciler_world.h"

namespace tote {
namespace {

TEST(FactReconcilerEngine, IsTheEmbedded26) {
    EXPECT_EQ(EmbeddedEnvironment::engine().server_version().substr(0, 3), "26.");
}

}  // namespace

ClickHouseConnection& reconcile_connection() {
    return EmbeddedEnvironment::engine();
}

}  // namespace tote

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(
        new tote::EmbeddedEnvironment("/tmp/tote-fact-reconcile-emb-"));
    ::testing::AddGlobalTestEnvironment(tote::new_reconcile_world());
    return RUN_ALL_TESTS();
}
