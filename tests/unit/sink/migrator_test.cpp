#include "sink/migrator.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "fake_connection.h"

namespace tote {
namespace {

TEST(Migrator, AppliesPendingMigrationsInOrder) {
    FakeConnection conn;
    std::vector<Migration> ms = {
        {2, "second", {"CREATE TABLE IF NOT EXISTS {db}.b (x UInt8) ENGINE = Memory"}},
        {1, "first", {"CREATE TABLE IF NOT EXISTS {db}.a (x UInt8) ENGINE = Memory"}}};
    auto report = Migrator(conn, "w", ms).apply();
    EXPECT_EQ(report.applied, (std::vector<uint32_t>{1, 2}));
    ASSERT_EQ(conn.statements.size(), 7u);
    EXPECT_EQ(conn.statements[0], "CREATE DATABASE IF NOT EXISTS `w`");
    EXPECT_EQ(conn.statements[3], "CREATE TABLE IF NOT EXISTS `w`.a (x UInt8) ENGINE = Memory");
    EXPECT_EQ(conn.statements[4].rfind("INSERT INTO `w`._migrations (version, name, checksum, "
                                       "applied_ms) VALUES (1, 'first', '" +
                                           Migrator::checksum(ms[1]) + "', ",
                                       0),
              0u);
    EXPECT_EQ(conn.statements[5], "CREATE TABLE IF NOT EXISTS `w`.b (x UInt8) ENGINE = Memory");
}

TEST(Migrator, SkipsAppliedMigrationsWithTheSameChecksum) {
    FakeConnection conn;
    auto ms = Migrator::warehouse_migrations();
    conn.answer = [&](const std::string& sql) -> std::optional<std::string> {
        if (sql.find("FROM `tote`._migrations FINAL") != std::string::npos) {
            std::string out;
            for (const auto& m : ms)
                out +=
                    std::to_string(m.version) + "\t" + m.name + "\t" + Migrator::checksum(m) + "\n";
            return out;
        }
        return std::optional<std::string>();
    };
    auto report = Migrator(conn, "tote").apply();
    EXPECT_TRUE(report.applied.empty());
    EXPECT_EQ(report.already_done, (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(conn.statements.size(), 3u);  // database, _migrations, the read
}

TEST(Migrator, RefusesAChangedMigration) {
    FakeConnection conn;
    conn.answer = [](const std::string& sql) -> std::optional<std::string> {
        if (sql.find("_migrations FINAL") != std::string::npos)
            return std::optional<std::string>(
                "1\twarehouse bookkeeping tables\t0123456789abcdef\n");
        return std::optional<std::string>();
    };
    try {
        Migrator(conn, "tote").apply();
        FAIL() << "expected a fatal error";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Fatal);
        EXPECT_NE(
            std::string(e.what()).find("migration 1 (warehouse bookkeeping tables) of database "
                                       "tote was applied with checksum 0123456789abcdef"),
            std::string::npos)
            << e.what();
    }
}

TEST(Migrator, RefusesADatabaseFromANewerBuild) {
    FakeConnection conn;
    auto ms = Migrator::warehouse_migrations();
    conn.answer = [&](const std::string& sql) -> std::optional<std::string> {
        if (sql.find("_migrations FINAL") != std::string::npos)
            return "1\t" + ms[0].name + "\t" + Migrator::checksum(ms[0]) + "\n9\tfuture\tff\n";
        return std::optional<std::string>();
    };
    EXPECT_THROW(Migrator(conn, "tote").apply(), ToteError);
}

TEST(Migrator, ChecksumDependsOnEveryStatement) {
    Migration a{1, "n", {"x", "y"}};
    Migration b{1, "n", {"xy"}};
    Migration c{1, "n", {"x", "z"}};
    EXPECT_NE(Migrator::checksum(a), Migrator::checksum(b));
    EXPECT_NE(Migrator::checksum(a), Migrator::checksum(c));
    EXPECT_EQ(Migrator::checksum(a).size(), 16u);
    // The warehouse's migration 1 is frozen: changing it breaks every existing warehouse.
    EXPECT_EQ(Migrator::checksum(Migrator::warehouse_migrations()[0]), "b4b5678bc18d4272");
}

// ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: the migrator asks system.columns and adds
// the column only when it is missing (a crash before the migration was recorded is repaired).
TEST(Migrator, AddsAColumnOnlyWhenMissing) {
    Migration m{1,
                "add",
                {"CREATE TABLE IF NOT EXISTS {db}.`t` (a Int64, b Int64) ENGINE = Memory"},
                {{"t", "c", "Int64", "a"}}};
    FakeConnection conn;
    auto report = Migrator(conn, "w", {m}).apply();
    EXPECT_EQ(report.applied, (std::vector<uint32_t>{1}));
    ASSERT_EQ(conn.statements.size(), 7u);
    EXPECT_EQ(conn.statements[4],
              "SELECT name FROM system.columns WHERE database = 'w' AND table = 't'");
    EXPECT_EQ(conn.statements[5], "ALTER TABLE `w`.`t` ADD COLUMN `c` Int64 AFTER `a`");
    ASSERT_EQ(conn.tables["t"].size(), 3u);

    // Run again as if the migration had not been recorded: the column is there, no ALTER.
    FakeConnection again;
    again.tables["t"] = conn.tables["t"];
    Migrator(again, "w", {m}).apply();
    for (const auto& st : again.statements) EXPECT_EQ(st.find("ALTER"), std::string::npos) << st;

    // The added columns are part of the checksum; migrations without any hash as before.
    Migration other = m;
    other.added_columns[0].type = "Int32";
    EXPECT_NE(Migrator::checksum(m), Migrator::checksum(other));
}

TEST(Migrator, RendersTheDatabaseName) {
    EXPECT_EQ(Migrator::render("CREATE TABLE {db}.x AS {db}.y", "my db"),
              "CREATE TABLE `my db`.x AS `my db`.y");
}

}  // namespace
}  // namespace tote
