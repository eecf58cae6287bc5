// SourceFigures: the OLTP side of `tote reconcile --oltp`, read through a mapping file. The
// database is replaced by canned answers per statement, so each test states the rows a database
// returns and the figures that must come out; the SQL itself runs against real PostgreSQL and
// MariaDB in the stack tests (captures_schema_stack, simulate_oltp_stack, mariadb_stack).
#include "reconcile/source_figures.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "model/mapping_file.h"

namespace tote {
namespace {

const std::string kMappings = std::string(TOTE_SOURCE_DIR) + "/mappings/";

using Row = std::vector<std::optional<std::string>>;

Row row(std::initializer_list<const char*> values) {
    Row r;
    for (const char* v : values) r.push_back(v ? std::optional<std::string>(v) : std::nullopt);
    return r;
}

// A database that answers by the start of each statement (after the catalog's questions) and
// keeps every statement it was asked.
struct FakeDatabase {
    std::vector<std::string> tables;
    std::string time_type = "timestamp with time zone";
    std::vector<std::pair<std::string, SqlRows>> answers;  // statement prefix -> rows
    std::vector<std::string> asked;

    SqlQuery query() {
        return [this](const std::string& sql) -> SqlRows {
            asked.push_back(sql);
            if (sql.find("information_schema.tables") != std::string::npos) {
                SqlRows out;
                for (const auto& t : tables) out.push_back(Row{t});
                return out;
            }
            if (sql.find("information_schema.columns") != std::string::npos)
                return {Row{time_type}};
            if (sql.rfind("SELECT COUNT(*) FROM", 0) == 0) return {Row{"3"}};
            for (const auto& [prefix, rows] : answers)
                if (sql.find(prefix) != std::string::npos) return rows;
            return {};
        };
    }
    bool was_asked(const std::string& part) const {
        for (const auto& s : asked)
            if (s.find(part) != std::string::npos) return true;
        return false;
    }
};

TEST(SourceFigures, RealCapturesSchemaThroughItsMappingFile) {
    const auto file = model::MappingFile::load(kMappings + "real_debezium.yaml");
    FakeDatabase db;
    db.tables = {"players", "wallet_tx", "bets", "bet_legs", "unrelated"};
    // Ledger: (day, currency, kind, count, sum(amount_minor)); no status column.
    db.answers.push_back({"FROM \"wallet_tx\" GROUP BY",
                          {row({"2026-11-27", "NGN", "deposit", "2", "150000"}),
                           row({"2026-11-27", "NGN", "bet_debit", "1", "-1250"}),
                           row({"2026-11-28", "UGX", "bet_debit", "1", "-1500"})}});
    // Placement: (day, player's currency, status, count, sum(stake) major, sum(floor(...)) minor).
    db.answers.push_back({"COUNT(*), SUM(b.\"stake\"), SUM(FLOOR(",
                          {row({"2026-11-27", "NGN", "open", "1", "12.50", "2187"}),
                           row({"2026-11-28", "UGX", "won", "1", "1500.00", "3000"}),
                           row({"2026-11-28", "UGX", "void", "4", "8.00", "8"}),
                           row({"2026-11-28", "UGX", "pending", "2", "10.00", "20"})}});
    // Settlement: (day, currency, status, count, sum(stake), sum(payout)).
    db.answers.push_back({"SUM(b.\"payout\")",
                          {row({"2026-11-29", "UGX", "won", "1", "1500.00", "3000.00"}),
                           row({nullptr, "NGN", "open", "1", "12.50", nullptr})}});
    SourceFigures figures(file.mapping(), SqlDialect::PostgreSQL, db.query());
    const GroundTruth t = figures.read({"bets", "missing_in_source"});

    EXPECT_EQ(t.log_offset, -1);
    // The mapped tables, plus the landed ones the source has; never a table the source lacks.
    EXPECT_EQ(t.table_rows, (std::map<std::string, int64_t>{
                                {"bet_legs", 3}, {"bets", 3}, {"players", 3}, {"wallet_tx", 3}}));
    // bet_debit is the model's stake_debit; amount_minor is signed as the model signs it; the
    // mapping's constant status applies to every row.
    EXPECT_EQ(t.ledger, (std::vector<LedgerFigure>{
                            {"2026-11-27", "NGN", "deposit", "", 2, 150000},
                            {"2026-11-27", "NGN", "stake_debit", "", 1, -1250},
                            {"2026-11-28", "UGX", "stake_debit", "", 1, -1500},
                        }));
    EXPECT_EQ(t.ledger_by_status.size(), 3u);
    EXPECT_EQ(t.ledger_by_status[0].status, "completed");
    // Major units with the currency's exponent (NGN 2, UGX 0); voids and unmapped statuses
    // are not placed bets; the potential payout is already in minor units.
    ASSERT_TRUE(t.has_bet_figures);
    EXPECT_EQ(t.bets_by_placement,
              (std::vector<BetPlacementFigure>{{"2026-11-27", "NGN", 1, 1250, 2187 - 1250},
                                               {"2026-11-28", "UGX", 1, 1500, 0}}));
    EXPECT_EQ(t.bets_by_settlement,
              (std::vector<BetSettlementFigure>{{"2026-11-29", "UGX", 1, 1500, 3000, -1500}}));
    ASSERT_EQ(figures.unmapped().size(), 1u);
    EXPECT_EQ(figures.unmapped()[0],
              "2 bets in the source have status 'pending', which the mapping file does not map: "
              "they build no facts (add the value to bet.values.status)");

    // The SQL: the bet's currency from its player, the potential payout floored row by row in
    // minor units, UTC days of the zoned times.
    EXPECT_TRUE(db.was_asked("LEFT JOIN \"players\" p ON p.\"id\" = b.\"player_id\""));
    EXPECT_TRUE(db.was_asked("to_char(b.\"placed_at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD')"));
    EXPECT_TRUE(db.was_asked("SUM(FLOOR(b.\"stake\" * "));
}

TEST(SourceFigures, MariaDbCodesAndMajorUnits) {
    const auto file = model::MappingFile::load(kMappings + "mariadb.yaml");
    FakeDatabase db;
    db.time_type = "datetime";
    for (const auto* t : {"players", "wallet_transactions", "sports", "competitions", "events",
                          "markets", "selections", "bets", "bet_legs", "fx_rates"})
        db.tables.push_back(t);
    // (day, currency, type code, status code, count, sum(amount) major).
    db.answers.push_back({"FROM `wallet_transactions` GROUP BY",
                          {row({"2026-11-27", "KES", "1", "2", "3", "682.50"}),
                           row({"2026-11-27", "KES", "1", "1", "1", "10.00"}),
                           row({"2026-11-27", "KES", "9", "2", "1", "1.00"})}});
    SourceFigures figures(file.mapping(), SqlDialect::MariaDB, db.query());
    const GroundTruth t = figures.read();
    // Codes become the model's names; a code the map lacks keeps its source value, as the
    // warehouse's ledger check does, so the two sides differ visibly.
    EXPECT_EQ(t.ledger,
              (std::vector<LedgerFigure>{{"2026-11-27", "KES", "9", "", 1, 100},
                                         {"2026-11-27", "KES", "deposit", "", 4, 69250}}));
    EXPECT_EQ(t.ledger_by_status,
              (std::vector<LedgerFigure>{{"2026-11-27", "KES", "9", "completed", 1, 100},
                                         {"2026-11-27", "KES", "deposit", "completed", 3, 68250},
                                         {"2026-11-27", "KES", "deposit", "pending", 1, 1000}}));
    EXPECT_TRUE(db.was_asked("DATE_FORMAT(`created_at`, '%Y-%m-%d')"));
}

TEST(SourceFigures, ASumThatIsNotWholeMinorUnitsIsRefused) {
    const auto file = model::MappingFile::load(kMappings + "mariadb.yaml");
    FakeDatabase db;
    db.time_type = "datetime";
    db.tables = {"players", "wallet_transactions", "sports", "competitions", "events",
                 "markets", "selections",          "bets",   "bet_legs",     "fx_rates"};
    db.answers.push_back({"FROM `wallet_transactions` GROUP BY",
                          {row({"2026-11-27", "UGX", "1", "2", "1", "10.50"})}});
    SourceFigures figures(file.mapping(), SqlDialect::MariaDB, db.query());
    try {
        figures.read();
        FAIL() << "a UGX sum with a fraction must be refused";
    } catch (const ToteError& e) {
        EXPECT_NE(std::string(e.what()).find("ledger sum in UGX (10.50, major units) does not "
                                             "convert exactly"),
                  std::string::npos)
            << e.what();
    }
}

TEST(SourceFigures, AMappedTableTheSourceLacksIsNamed) {
    const auto file = model::MappingFile::load(kMappings + "real_debezium.yaml");
    FakeDatabase db;
    db.tables = {"players", "bets", "bet_legs"};
    SourceFigures figures(file.mapping(), SqlDialect::PostgreSQL, db.query());
    try {
        figures.read();
        FAIL() << "a missing table must be refused";
    } catch (const ToteError& e) {
        EXPECT_NE(std::string(e.what()).find("names table wallet_tx, which the source database "
                                             "does not have"),
                  std::string::npos)
            << e.what();
    }
}

TEST(SourceFigures, UtcDayOfEachKindOfTimeColumn) {
    const auto file = model::MappingFile::load(kMappings + "real_debezium.yaml");
    FakeDatabase db;
    SourceFigures pg(file.mapping(), SqlDialect::PostgreSQL, db.query());
    db.time_type = "bigint";
    EXPECT_EQ(pg.utc_day_sql("bets", "placed_at"),
              "to_char(date '1970-01-01' + floor(\"placed_at\"::numeric * 1 / 86400000000)::int, "
              "'YYYY-MM-DD')");
    db.time_type = "text";
    EXPECT_EQ(pg.utc_day_sql("bets", "placed_at", "b"), "SUBSTRING(b.\"placed_at\", 1, 10)");
    db.time_type = "boolean";
    EXPECT_THROW(pg.utc_day_sql("bets", "placed_at"), ToteError);
    SourceFigures maria(file.mapping(), SqlDialect::MariaDB, db.query());
    db.time_type = "timestamp";
    EXPECT_EQ(maria.utc_day_sql("bets", "placed_at"),
              "DATE_FORMAT(DATE_ADD('1970-01-01', INTERVAL FLOOR(UNIX_TIMESTAMP(`placed_at`) / "
              "86400) DAY), '%Y-%m-%d')");
}

}  // namespace
}  // namespace tote
