// The embedded engine's integration test: one process, one EmbeddedClickHouse shared by every
// test (libchdb allows one connection per process), on a temporary warehouse folder.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "core/error.h"
#include "sink/embedded_clickhouse.h"
#include "sink/row_binary_writer.h"
#include "sink/warehouse_writer.h"
#include "sink_scenario.h"

extern char** environ;

namespace tote {
namespace {

std::filesystem::path g_dir;
std::unique_ptr<EmbeddedClickHouse> g_engine;
volatile std::sig_atomic_t g_sigint_seen = 0;
volatile std::sig_atomic_t g_sigterm_seen = 0;
volatile std::sig_atomic_t g_sigsegv_marker = 0;
void on_sigint(int) {
    g_sigint_seen = 1;
}
void on_sigterm(int) {
    g_sigterm_seen = 1;
}
void on_sigsegv(int) {
    g_sigsegv_marker = 1;
}

class EngineEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        // The program's own handlers, installed before the engine starts (as tote does).
        struct sigaction sa {};
        sa.sa_handler = on_sigint;
        sigaction(SIGINT, &sa, nullptr);
        sa.sa_handler = on_sigsegv;
        sigaction(SIGSEGV, &sa, nullptr);
        char tmpl[] = "/tmp/tote-embedded-sink-XXXXXX";
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

sighandler_t current_handler(int sig) {
    struct sigaction sa {};
    sigaction(sig, nullptr, &sa);
    return sa.sa_handler;
}

TEST(EmbeddedClickHouse, ReportsItsVersion) {
    EXPECT_EQ(g_engine->server_version().substr(0, 3), "26.");
    EXPECT_EQ(g_engine->describe(), "embedded:" + (g_dir / "warehouse").string());
}

TEST(EmbeddedClickHouse, ProgramSignalHandlersSurviveTheEngine) {
    g_engine->query("SELECT count() FROM numbers(10)");
    // Installed before connect: still ours after connect and queries.
    EXPECT_EQ(current_handler(SIGINT), &on_sigint);
    EXPECT_EQ(current_handler(SIGSEGV),
              &on_sigsegv);  // the engine's deadly-signal handlers are off
    g_sigint_seen = 0;
    ASSERT_EQ(::raise(SIGINT), 0);
    EXPECT_EQ(g_sigint_seen, 1);
    // Installed after connect: runs.
    struct sigaction sa {};
    sa.sa_handler = on_sigterm;
    sigaction(SIGTERM, &sa, nullptr);
    g_engine->query("SELECT 1");
    g_sigterm_seen = 0;
    ASSERT_EQ(::raise(SIGTERM), 0);
    EXPECT_EQ(g_sigterm_seen, 1);
    signal(SIGTERM, SIG_DFL);
}

TEST(EmbeddedClickHouse, SecondConnectionInTheSameProcessIsRefused) {
    try {
        EmbeddedClickHouse second(g_dir / "other");
        FAIL() << "a second connection must be refused";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Fatal);
        EXPECT_NE(std::string(e.what()).find("already open in this process"), std::string::npos);
    }
    EXPECT_EQ(g_engine->query("SELECT 1"), "1\n");  // the first one is unharmed
}

TEST(EmbeddedClickHouse, SecondProcessOnTheSameFolderGetsAClearError) {
    std::string self = std::filesystem::read_symlink("/proc/self/exe");
    std::string arg = "--try-open=" + (g_dir / "warehouse").string();
    std::string out = (g_dir / "child.out").string();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char* argv[] = {self.data(), arg.data(), nullptr};
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, self.c_str(), &fa, nullptr, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 3);
    std::FILE* f = std::fopen(out.c_str(), "r");
    ASSERT_NE(f, nullptr);
    char buf[1024] = {};
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    EXPECT_EQ(std::string(buf, n), "warehouse folder " + (g_dir / "warehouse").string() +
                                       " is in use by another tote process: stop it, or go "
                                       "through it (tote query, status, report and reconcile do "
                                       "so when it serves its local API)\n");
}

TEST(EmbeddedClickHouse, BinaryRowsSurviveTheFileInsert) {
    auto& c = *g_engine;
    c.query("CREATE DATABASE IF NOT EXISTS bin");
    c.query("CREATE TABLE bin.t (k UInt32, s String) ENGINE = MergeTree ORDER BY k");
    RowBinaryWriter w;
    for (uint32_t i = 0; i < 1000; ++i) {
        w.uint32(i);
        w.string(std::string("\n\n\0\t\\'", 6) + std::to_string(i));
    }
    c.insert_row_binary("bin.t", "k UInt32, s String", w.data());
    EXPECT_EQ(
        c.query(
            "SELECT count(), sum(length(s)), countIf(substring(s, 1, 2) = '\\n\\n') FROM bin.t"),
        "1000\t8890\t1000\n");
    // No temporary batch files are left behind.
    EXPECT_TRUE(std::filesystem::is_empty(g_dir / "warehouse" / "tmp-insert"));
}

// The dashboard's path for statements tote wrote itself: one call, and the engine's read-only
// setting still refuses a write (the rows are unchanged).
TEST(EmbeddedClickHouse, TrustedReadOnlyStatementsReadAndCannotWrite) {
    auto& c = *g_engine;
    c.query("CREATE DATABASE IF NOT EXISTS ro");
    c.query("CREATE TABLE ro.t (k UInt32) ENGINE = MergeTree ORDER BY k");
    c.query("INSERT INTO ro.t VALUES (1), (2)");
    EXPECT_EQ(c.query_trusted_readonly("SELECT sum(k) FROM ro.t"), "3\n");
    EXPECT_THROW(c.query_trusted_readonly("INSERT INTO ro.t SELECT 5"), ToteError);
    EXPECT_THROW(c.query_trusted_readonly("DROP TABLE ro.t"), ToteError);
    EXPECT_EQ(c.query("SELECT count(), sum(k) FROM ro.t"), "2\t3\n");
}

// Figures, not a timed test: run with --gtest_also_run_disabled_tests.
TEST(EmbeddedClickHouse, DISABLED_MeasureInsertRate) {
    auto& c = *g_engine;
    c.query("CREATE DATABASE IF NOT EXISTS perf");
    c.query(
        "CREATE TABLE IF NOT EXISTS perf.narrow (id UInt64, player Int64, amount Int64, "
        "currency String) ENGINE = MergeTree ORDER BY id");
    const size_t n = 1000000;
    RowBinaryWriter w;
    w.reserve(n * 32);
    for (size_t i = 0; i < n; ++i) {
        w.uint64(i);
        w.int64(static_cast<int64_t>(i % 5000));
        w.int64(static_cast<int64_t>(i * 7));
        w.string("UGX");
    }
    auto t0 = std::chrono::steady_clock::now();
    c.insert_row_binary("perf.narrow", "id UInt64, player Int64, amount Int64, currency String",
                        w.data());
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "embedded insert_row_binary: " << n << " narrow rows (" << w.size() / 1e6
              << " MB) in " << s << " s = " << n / s << " rows/s\n";
}

}  // namespace

ClickHouseConnection& scenario_connection() {
    return *g_engine;
}
std::string scenario_database_prefix() {
    return "emb_";
}

}  // namespace tote

int main(int argc, char** argv) {
    // Child mode for SecondProcessOnTheSameFolderGetsAClearError.
    if (argc == 2 && std::string(argv[1]).rfind("--try-open=", 0) == 0) {
        try {
            tote::EmbeddedClickHouse e(std::string(argv[1]).substr(11));
            std::printf("opened\n");
            return 0;
        } catch (const tote::ToteError& e) {
            std::printf("%s\n", e.what());
            return e.error_class() == tote::ErrorClass::Fatal ? 3 : 4;
        }
    }
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tote::EngineEnvironment);
    return RUN_ALL_TESTS();
}
