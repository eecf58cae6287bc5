// Dashboards as code: LineDiff prints what `diff -u` prints; DashboardStore diffs, applies
// (checking every file first) and keeps each version's diff.
#include "serve/dashboard_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "serve/line_diff.h"

namespace tote {
namespace {
namespace fs = std::filesystem;

// Expected texts are what GNU diff -u prints for the same files (without its two name lines).
TEST(LineDiff, HunksAsDiffUPrintsThem) {
    const std::string a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
    const std::string b = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n";
    EXPECT_EQ(LineDiff::unified(a, b, "old", "new"),
              "--- old\n+++ new\n"
              "@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n"
              "@@ -11,3 +11,4 @@\n k\n l\n m\n+n\n");
    EXPECT_EQ(LineDiff::unified("", "x\ny\n", "/dev/null", "f"),
              "--- /dev/null\n+++ f\n@@ -0,0 +1,2 @@\n+x\n+y\n");
    EXPECT_EQ(LineDiff::unified("x\ny\n", "", "f", "/dev/null"),
              "--- f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n");
    EXPECT_EQ(LineDiff::unified(a, a, "old", "new"), "");
    EXPECT_EQ(LineDiff::counts(a, b), (std::pair<int, int>{2, 1}));
}

class DashboardStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        root = fs::temp_directory_path() /
               ("tote-dashboards-" +
                std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root);
        fs::create_directories(root / "repo");
    }
    void TearDown() override { fs::remove_all(root); }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(root / "repo" / name) << text;
    }
    fs::path root;
};

constexpr const char* kQueries = "queries:\n  - id: a\n    sql: SELECT 1\n";
constexpr const char* kQueries2 = "queries:\n  - id: a\n    sql: SELECT 2\n";
constexpr const char* kAlerts = "alerts:\n  - id: x\n    sql: SELECT 1\n    above: 0\n";

TEST_F(DashboardStoreTest, DiffApplyAndHistory) {
    DashboardStore store(root / "data" / "dashboards");
    write("queries.yaml", kQueries);
    write("alerts.yaml", kAlerts);
    auto changes = store.diff(root / "repo");
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_TRUE(changes[0].is_new);
    EXPECT_EQ(changes[1].file, "queries.yaml");
    EXPECT_EQ(changes[1].added, 3);

    auto applied = store.apply(root / "repo", "2026-11-29T22:00:00Z");
    ASSERT_EQ(applied.size(), 2u);
    EXPECT_EQ(applied[0].version, 1);
    EXPECT_EQ(applied[1].version, 2);
    EXPECT_TRUE(store.diff(root / "repo").empty());
    EXPECT_TRUE(store.apply(root / "repo", "2026-11-29T22:01:00Z").empty());
    EXPECT_FALSE(store.applied("queries.yaml").empty());

    write("queries.yaml", kQueries2);
    changes = store.diff(root / "repo");
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].diff, "--- applied/queries.yaml\n+++ " +
                                   (root / "repo" / "queries.yaml").string() +
                                   "\n@@ -1,3 +1,3 @@\n queries:\n   - id: a\n-    sql: SELECT 1\n"
                                   "+    sql: SELECT 2\n");
    store.apply(root / "repo", "2026-11-29T22:02:00Z");
    fs::remove(root / "repo" / "alerts.yaml");
    applied = store.apply(root / "repo", "2026-11-29T22:03:00Z");
    ASSERT_EQ(applied.size(), 1u);
    EXPECT_TRUE(store.applied("alerts.yaml").empty());

    const auto history = store.history();
    ASSERT_EQ(history.size(), 4u);
    EXPECT_EQ(history[0].version, 4);
    EXPECT_EQ(history[0].file, "alerts.yaml");
    EXPECT_EQ(history[0].applied_at, "2026-11-29T22:03:00Z");
    EXPECT_NE(history[0].diff.find("@@ -1,4 +0,0 @@"), std::string::npos) << history[0].diff;
    EXPECT_EQ(history[1].file, "queries.yaml");
    EXPECT_NE(history[1].diff.find("+    sql: SELECT 2"), std::string::npos);
    EXPECT_NE(store.history_json().find("\"version\":3,\"file\":\"queries.yaml\""),
              std::string::npos);
}

TEST_F(DashboardStoreTest, ABadFileAppliesNothing) {
    DashboardStore store(root / "data" / "dashboards");
    write("queries.yaml", kQueries);
    write("alerts.yaml", "alerts:\n  - id: x\n    sql: SELECT 1\n");  // no condition
    try {
        store.apply(root / "repo", "2026-11-29T22:00:00Z");
        FAIL() << "a bad file must stop apply";
    } catch (const ToteError& e) {
        EXPECT_NE(std::string(e.what()).find("nothing applied"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("alerts.yaml:2: alert 'x' needs a condition"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_TRUE(store.applied("queries.yaml").empty());
    EXPECT_TRUE(store.history().empty());
}

}  // namespace
}  // namespace tote
