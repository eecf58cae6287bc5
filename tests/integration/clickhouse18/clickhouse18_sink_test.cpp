// The sink over a real ClickHouse 18.16 server (Debian's clickhouse-server) through HTTP: the
// same scenario and exact results as the embedded engine's test. The server is started on a free
// port in a temporary folder by scripts/clickhouse18.sh and stopped at the end.
// Exit 77 (ctest SKIP) only when clickhouse-server is not installed.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "../embedded_sink/sink_scenario.h"
#include "../support/clickhouse18_environment.h"
#include "core/error.h"
#include "core/unique_fd.h"
#include "sink/http_clickhouse.h"
#include "sink/row_binary_writer.h"

#ifndef TOTE_SOURCE_DIR
#error "TOTE_SOURCE_DIR must be defined"
#endif

namespace tote {
namespace {

HttpClickHouse& server() {
    return ClickHouse18Environment::server();
}

TEST(HttpClickHouse, ReportsVersion18) {
    EXPECT_EQ(server().server_version().substr(0, 6), "18.16.");
}

TEST(HttpClickHouse, ConnectionRefusedIsRetriable) {
    HttpClickHouse dead("http://127.0.0.1:1");
    try {
        dead.query("SELECT 1");
        FAIL() << "expected an error";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Retriable) << e.what();
        EXPECT_NE(std::string(e.what()).find("http://127.0.0.1:1 unreachable"), std::string::npos)
            << e.what();
    }
}

TEST(HttpClickHouse, BinaryRowsArriveIntact) {
    auto& c = server();
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
}

// issue 14, item 4: inserts to a server go as RowBinary, gzip-compressed when asked (the default
// for a server not on loopback); 18.16 decompresses them and the rows arrive intact.
TEST(HttpClickHouse, GzipInsertsArriveIntact) {
    HttpClickHouseConfig config;
    config.url = server().describe();
    config.gzip_inserts = true;
    HttpClickHouse gz(config);
    gz.query("CREATE DATABASE IF NOT EXISTS gz");
    gz.query("CREATE TABLE gz.t (k UInt32, s String) ENGINE = MergeTree ORDER BY k");
    RowBinaryWriter w;
    for (uint32_t i = 0; i < 100000; ++i) {
        w.uint32(i);
        w.string(std::string("\n\0\x1f\x8b", 4) + std::to_string(i * 7919));
    }
    gz.insert_row_binary("gz.t", "k UInt32, s String", w.data());
    EXPECT_EQ(gz.query("SELECT count(), sum(k), sum(length(s)), "
                       "countIf(substring(s, 1, 4) = '\\n\\0\\x1f\\x8b') FROM gz.t"),
              server().query("SELECT 100000, 4999950000, sum(4 + length(toString(number * 7919))), "
                             "100000 FROM numbers(100000)"));
}

TEST(HttpClickHouse, CompressionSettingFollowsTheServersPlace) {
    EXPECT_FALSE(gzip_inserts_for("auto", "http://127.0.0.1:8123"));
    EXPECT_FALSE(gzip_inserts_for("auto", "http://localhost:8123"));
    EXPECT_FALSE(gzip_inserts_for("auto", "http://user:pw@[::1]:8123"));
    EXPECT_TRUE(gzip_inserts_for("auto", "http://clickhouse.internal:8123"));
    EXPECT_TRUE(gzip_inserts_for("gzip", "http://127.0.0.1:8123"));
    EXPECT_FALSE(gzip_inserts_for("none", "http://10.0.0.5:8123"));
    EXPECT_THROW(gzip_inserts_for("lz4", "http://10.0.0.5:8123"), ToteError);
}

// issue 12, case 3: an insert into a wide table (its column list far beyond the ~16 KB that
// 18.16 accepts in a URL) lands; rows whose first bytes are whitespace arrive intact (the data
// follows the statement in the request body).
TEST(HttpClickHouse, WideInsertLandsWhateverTheColumnListLength) {
    auto& c = server();
    c.query("CREATE DATABASE IF NOT EXISTS wide");
    std::string columns, create;
    const int n = 400;
    for (int i = 0; i < n; ++i) {
        std::string name =
            "a_rather_long_source_column_name_of_an_operator_table_" + std::to_string(i);
        columns += (i ? ", " : "") + name + " UInt32";
        create += (i ? ", " : "") + std::string("`") + name + "` UInt32";
    }
    ASSERT_GT(columns.size(), 20000u);
    c.query("CREATE TABLE wide.t (" + create + ") ENGINE = MergeTree ORDER BY tuple()");
    RowBinaryWriter w;
    for (uint32_t row = 0; row < 3; ++row)
        for (int i = 0; i < n; ++i) w.uint32(i == 0 ? 0x0A200A0Au + row : static_cast<uint32_t>(i));
    c.insert_row_binary("wide.t", columns, w.data());
    EXPECT_EQ(
        c.query("SELECT count(), min(a_rather_long_source_column_name_of_an_operator_table_0), "
                "sum(a_rather_long_source_column_name_of_an_operator_table_399) FROM wide.t"),
        std::to_string(3) + "\t" + std::to_string(0x0A200A0Au) + "\t1197\n");
}

// Figures, not a timed test: run with --gtest_also_run_disabled_tests.
TEST(HttpClickHouse, DISABLED_MeasureInsertRate) {
    auto& c = server();
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
    for (bool gzip : {false, true}) {
        HttpClickHouseConfig config;
        config.url = c.describe();
        config.gzip_inserts = gzip;
        HttpClickHouse conn(config);
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t cpu0 = std::clock();
        conn.insert_row_binary("perf.narrow",
                               "id UInt64, player Int64, amount Int64, currency String", w.data());
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
        std::cout << "clickhouse 18.16 insert_row_binary" << (gzip ? " gzip" : "") << ": " << n
                  << " narrow rows (" << w.size() / 1e6 << " MB) in " << s << " s = " << n / s
                  << " rows/s, client CPU " << cpu << " s\n";
    }
}

}  // namespace

ClickHouseConnection& scenario_connection() {
    return server();
}
std::string scenario_database_prefix() {
    return "ch18_";
}

}  // namespace tote

int main(int argc, char** argv) {
    if (!tote::ClickHouse18Environment::installed()) {
        std::printf("clickhouse-server is not installed: skipping\n");
        return 77;
    }
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tote::ClickHouse18Environment("/tmp/tote-ch18-sink-"));
    return RUN_ALL_TESTS();
}
