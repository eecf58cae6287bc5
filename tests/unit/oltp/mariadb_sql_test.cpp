// The MariaDB statements of `tote simulate --oltp mysql://` (MariaDbSql): the simulator's rows
// in schema/oltp_mariadb.sql's shape, exactly (major-unit money, codes, DATETIME text).
#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "oltp/mariadb_sql.h"

namespace tote {
namespace {

TEST(MariaDbSql, MoneyInMajorUnitsCodesAndDatetimes) {
    RowCells bet(TableId::Bets);
    bet.i64(7).i64(3).text("single").i64(150050).text("NGN").dec(21500).i64(322607).text("won");
    bet.i64(322607).ts(1'793'491'200'000'000).ts(1'793'494'800'123'456).text("app");
    std::string out;
    MariaDbSql::append_insert_head(out, table_def(TableId::Bets));
    MariaDbSql::append_row(out, bet);
    EXPECT_EQ(out,
              "INSERT INTO bets (id, player_id, type, stake, currency, total_odds, "
              "potential_payout, status, payout, placed_at, settled_at, channel) "
              "VALUES (7, 3, 1, 1500.50, 'NGN', 2.1500, 3226.07, 2, 3226.07, "
              "'2026-11-01 00:00:00.000000', '2026-11-01 01:00:00.123456', 2)");

    // A currency without decimals: 1500 UGX is 1500.00; a debit stays negative.
    RowCells debit(TableId::WalletTransactions);
    debit.i64(4).i64(2).text("stake_debit").i64(-1500).text("UGX").i64(11).text("completed");
    debit.ts(0);
    out.clear();
    MariaDbSql::append_update(out, debit);
    EXPECT_EQ(out,
              "UPDATE wallet_transactions SET player_id = 2, type = 3, amount = -1500.00, "
              "currency = 'UGX', bet_id = 11, status = 2, created_at = '1970-01-01 "
              "00:00:00.000000' WHERE id = 4;\n");
}

TEST(MariaDbSql, TextIsEscapedTruncateIsADeleteAndUnknownValuesAreRefused) {
    RowCells player(TableId::Players);
    player.i64(5).text("NG").text("NGN").text("ussd").ts(0).text("closed").text("it's a \\ note");
    std::string out;
    MariaDbSql::append_row(out, player);
    EXPECT_EQ(out, "(5, 'NG', 'NGN', 3, '1970-01-01 00:00:00.000000', 3, 'it''s a \\\\ note')");
    out.clear();
    MariaDbSql::append_truncate(out, TableId::OddsStaging);
    EXPECT_EQ(out, "DELETE FROM odds_staging;\n");
    EXPECT_EQ(MariaDbSql::code_of(TableId::Bets, "status", "cashed_out"), 5);
    EXPECT_EQ(MariaDbSql::code_of(TableId::Bets, "currency", "NGN"), -1);
    EXPECT_THROW(MariaDbSql::code_of(TableId::Bets, "status", "pending"), ToteError);
}

}  // namespace
}  // namespace tote
