#include "model/model_mapper.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "model/mapping_file.h"
#include "row_builder.h"

namespace tote::model {
namespace {

using test::change;
using test::col;

const ModelMapper& mapper() {
    static const ModelMapper m(MappingFile::builtin_simulator().mapping());
    return m;
}

std::vector<Field> bet_row() {
    return {col("id", int64_t{5}),
            col("player_id", int64_t{7}),
            col("type", std::string("accumulator")),
            col("stake_minor", int64_t{1500}),
            col("currency", std::string("NGN")),
            col("total_odds", std::string("3.7500")),
            col("potential_payout_minor", int64_t{5625}),
            col("status", std::string("won")),
            col("payout_minor", int64_t{5625}),
            col("placed_at", std::string("2026-11-01T12:00:00.000001Z")),
            col("settled_at", std::string("2026-11-01T14:00:00Z")),
            col("channel", std::string("ussd"))};
}

template <class T>
T expect_entity(const ModelRecord& r) {
    if (const auto* e = std::get_if<MappingError>(&r)) ADD_FAILURE() << e->message();
    EXPECT_TRUE(std::holds_alternative<T>(r));
    return std::holds_alternative<T>(r) ? std::get<T>(r) : T{};
}

MappingError expect_error(const ModelRecord& r) {
    EXPECT_TRUE(std::holds_alternative<MappingError>(r)) << "index " << r.index();
    return std::holds_alternative<MappingError>(r) ? std::get<MappingError>(r) : MappingError{};
}

TEST(ModelMapper, MapsABetWithStringModeDecimals) {
    Bet b = expect_entity<Bet>(mapper().map(change("bets", R"({"id":5})", bet_row())));
    Bet want;
    want.id = 5;
    want.player_id = 7;
    want.type = BetType::Accumulator;
    want.stake_minor = 1500;
    want.currency = "NGN";
    want.total_odds_e4 = 37500;
    want.potential_payout_minor = 5625;
    want.status = BetStatus::Won;
    want.payout_minor = 5625;
    want.placed_at_us = int64_t{1793534400} * 1'000'000 + 1;
    want.settled_at_us = int64_t{1793541600} * 1'000'000;
    want.channel = Channel::Ussd;
    EXPECT_EQ(b, want);
}

TEST(ModelMapper, MapsAnOpenBetWithPreciseDecimalsAndNulls) {
    auto row = bet_row();
    row[5].value = Decimal{37500, 4};  // precise mode: exact unscaled + scale
    row[7].value = std::string("open");
    row[8].value = NullValue{};
    row[10].value = NullValue{};
    Bet b = expect_entity<Bet>(mapper().map(change("bets", R"({"id":5})", row, Op::Read)));
    EXPECT_EQ(b.total_odds_e4, 37500);
    EXPECT_EQ(b.status, BetStatus::Open);
    EXPECT_EQ(b.payout_minor, std::nullopt);
    EXPECT_EQ(b.settled_at_us, std::nullopt);
}

TEST(ModelMapper, MapsWalletTransactionsWithTheirSign) {
    auto w = expect_entity<WalletTransaction>(mapper().map(
        change("wallet_transactions", R"({"id":9})",
               {col("id", int64_t{9}), col("player_id", int64_t{7}),
                col("type", std::string("stake_debit")), col("amount_minor", int64_t{-1500}),
                col("currency", std::string("NGN")), col("bet_id", int64_t{5}),
                col("status", std::string("completed")),
                col("created_at", std::string("2026-11-01T12:00:00.000001Z"))})));
    EXPECT_EQ(w.type, WalletTransactionType::StakeDebit);
    EXPECT_EQ(w.amount_minor, -1500);
    EXPECT_EQ(w.bet_id, 5);
    EXPECT_EQ(w.status, WalletTransactionStatus::Completed);

    auto d = expect_entity<WalletTransaction>(mapper().map(change(
        "wallet_transactions", R"({"id":10})",
        {col("id", int64_t{10}), col("player_id", int64_t{7}), col("type", std::string("deposit")),
         col("amount_minor", int64_t{50000}), col("currency", std::string("UGX")),
         col("bet_id", NullValue{}), col("status", std::string("pending")),
         col("created_at", std::string("2026-11-01T12:00:00Z"))},
        Op::Update)));
    EXPECT_EQ(d.amount_minor, 50000);
    EXPECT_EQ(d.bet_id, std::nullopt);
    EXPECT_EQ(d.status, WalletTransactionStatus::Pending);
}

TEST(ModelMapper, MapsTheCatalogueAndFx) {
    auto p = expect_entity<Player>(mapper().map(change(
        "players", R"({"id":7})",
        {col("id", int64_t{7}), col("country", std::string("NG")),
         col("currency", std::string("NGN")), col("channel", std::string("app")),
         col("registered_at", std::string("1970-01-01T00:00:01Z")),
         col("status", std::string("self_excluded")), col("kyc_note", UnavailableValue{})})));
    EXPECT_EQ(p, (Player{7, "NG", "NGN", Channel::App, 1'000'000, PlayerStatus::SelfExcluded}));

    EXPECT_EQ(
        expect_entity<Sport>(mapper().map(change(
            "sports", R"({"id":1})", {col("id", int64_t{1}), col("name", std::string("Golf"))}))),
        (Sport{1, "Golf"}));
    EXPECT_EQ(expect_entity<Competition>(mapper().map(
                  change("competitions", R"({"id":2})",
                         {col("id", int64_t{2}), col("sport_id", int64_t{1}),
                          col("name", std::string("Open")), col("country", NullValue{})}))),
              (Competition{2, 1, "Open", std::nullopt}));
    EXPECT_EQ(expect_entity<Event>(mapper().map(change(
                  "events", R"({"id":3})",
                  {col("id", int64_t{3}), col("competition_id", int64_t{2}),
                   col("home", std::string("A")), col("away", std::string("B")),
                   col("start_at", std::string("1970-01-01T00:00:02Z")),
                   col("status", std::string("finished")), col("result", std::string("2-1"))}))),
              (Event{3, 2, "A", "B", 2'000'000, EventStatus::Finished, "2-1"}));
    EXPECT_EQ(
        expect_entity<Market>(mapper().map(change(
            "markets", R"({"id":4})",
            {col("id", int64_t{4}), col("event_id", int64_t{3}), col("type", std::string("AH")),
             col("line", Decimal{-25, 2}), col("status", std::string("settled"))}))),
        (Market{4, 3, "AH", -25, MarketStatus::Settled}));
    EXPECT_EQ(
        expect_entity<Selection>(mapper().map(change(
            "selections", R"({"id":6})",
            {col("id", int64_t{6}), col("market_id", int64_t{4}), col("name", std::string("A")),
             col("odds", std::string("2.1000")), col("result", std::string("dead_heat")),
             col("dead_heat_factor", std::string("0.5000"))}))),
        (Selection{6, 4, "A", 21000, LegResult::DeadHeat, 5000}));
    EXPECT_EQ(
        expect_entity<BetLeg>(mapper().map(change(
            "bet_legs", R"({"bet_id":5,"leg_no":2})",
            {col("bet_id", int64_t{5}), col("leg_no", int64_t{2}), col("selection_id", int64_t{6}),
             col("odds_taken", std::string("2.0500")), col("result", NullValue{})}))),
        (BetLeg{5, 2, 6, 20500, std::nullopt}));
    EXPECT_EQ(expect_entity<FxRate>(mapper().map(
                  change("fx_rates", R"({"currency":"UGX","day":20758})",
                         {col("currency", std::string("UGX")), col("day", int64_t{20758}),
                          col("rate_to_eur", std::string("0.0002500000"))}))),
              (FxRate{"UGX", 20758, 2500000}));
}

TEST(ModelMapper, RefusesTimesAndDaysTheWarehouseCannotHold) {
    auto fx = [](Value day) {
        return mapper().map(change("fx_rates", R"({"currency":"UGX"})",
                                   {col("currency", std::string("UGX")), col("day", day),
                                    col("rate_to_eur", std::string("0.0002500000"))}));
    };
    EXPECT_EQ(expect_error(fx(std::string("2150-01-01"))).problem,
              "day 2150-01-01 is outside the range the warehouse can hold (1970-01-01 .. "
              "2106-02-07): fix the row in the source");
    EXPECT_EQ(expect_error(fx(int64_t{-1})).column, "day");
    EXPECT_EQ(expect_entity<FxRate>(fx(int64_t{49710})).day, 49710);
    auto placed = [](std::string at) {
        auto row = bet_row();
        for (auto& f : row)
            if (f.name == "placed_at") f.value = std::move(at);
        return mapper().map(change("bets", R"({"id":5})", row));
    };
    EXPECT_EQ(expect_error(placed("1969-12-31T23:59:59.999999Z")).problem,
              "1969-12-31T23:59:59.999999Z is outside the range the warehouse can hold "
              "(1970-01-01T00:00:00Z .. 2106-02-07T06:28:15Z, ClickHouse DateTime): fix the row "
              "in the source");
    EXPECT_EQ(expect_entity<Bet>(placed("2106-02-07T06:28:15.999999Z")).placed_at_us,
              int64_t{4294967295} * 1'000'000 + 999'999);
    EXPECT_EQ(expect_entity<Bet>(placed("1970-01-01T00:00:00Z")).placed_at_us, 0);
}

TEST(ModelMapper, DeletesTruncatesAndOtherTables) {
    EXPECT_EQ(std::get<RowRemoved>(
                  mapper().map(change("bet_legs", R"({"bet_id":5,"leg_no":2})", {}, Op::Delete))),
              (RowRemoved{EntityKind::BetLeg, R"({"bet_id":5,"leg_no":2})"}));
    EXPECT_EQ(std::get<RowRemoved>(mapper().map(change("selections", "", {}, Op::Truncate))),
              (RowRemoved{EntityKind::Selection, ""}));
    EXPECT_EQ(std::get<NotModelTable>(
                  mapper().map(change("odds_staging", R"({"id":1})", {col("id", int64_t{1})}))),
              (NotModelTable{"odds_staging"}));
}

TEST(ModelMapper, ReportsUnknownValues) {
    auto row = bet_row();
    row[7].value = std::string("settled");
    auto e = expect_error(mapper().map(change("bets", R"({"id":5})", row)));
    EXPECT_EQ(e, (MappingError{"bets", R"({"id":5})", "status",
                               "unknown value 'settled' (mapped values: cashed_out, lost, open, "
                               "void, won)"}));
    EXPECT_EQ(e.message(),
              R"(bets {"id":5} column 'status': unknown value 'settled' (mapped values: )"
              "cashed_out, lost, open, void, won)");
}

TEST(ModelMapper, ReportsMissingNullAndUnavailableColumns) {
    auto row = bet_row();
    row.erase(row.begin() + 3);  // stake_minor
    EXPECT_EQ(expect_error(mapper().map(change("bets", R"({"id":5})", row))).problem,
              "missing column (the mapping names it, the row does not have it)");
    row = bet_row();
    row[4].value = NullValue{};
    auto e = expect_error(mapper().map(change("bets", R"({"id":5})", row)));
    EXPECT_EQ(e.column, "currency");
    EXPECT_EQ(e.problem, "null in a required field");
    row = bet_row();
    row[7].value = UnavailableValue{};
    EXPECT_EQ(expect_error(mapper().map(change("bets", R"({"id":5})", row))).problem,
              "value unavailable (unchanged TOAST column): the latest value is not known");
    EXPECT_EQ(expect_error(mapper().map(change("bets", R"({"id":5})", {}, Op::Update))).problem,
              "missing column (the mapping names it, the row does not have it)");
    ChangeEvent no_after = change("bets", R"({"id":5})", {});
    no_after.after.reset();
    EXPECT_EQ(expect_error(mapper().map(no_after)).problem, "change has no after image");
}

TEST(ModelMapper, RefusesInexactOrFloatingNumbers) {
    auto row = bet_row();
    row[5].value = std::string("3.75001");
    auto e = expect_error(mapper().map(change("bets", R"({"id":5})", row)));
    EXPECT_EQ(e.column, "total_odds");
    EXPECT_EQ(e.problem,
              "inexact decimal: 3.75001 has more than 4 decimals: it would need rounding");
    row = bet_row();
    row[5].value = 3.75;
    EXPECT_EQ(expect_error(mapper().map(change("bets", R"({"id":5})", row))).problem,
              "arrived as a floating-point number, which is not exact (use "
              "decimal.handling.mode=string or precise)");
    row = bet_row();
    row[3].value = Decimal{150050, 2};  // 1500.50 minor units
    e = expect_error(mapper().map(change("bets", R"({"id":5})", row)));
    EXPECT_EQ(e.column, "stake_minor");
    EXPECT_EQ(e.problem,
              "inexact money: minor units must be whole: 1500.50 has more than 0 decimals: it "
              "would need rounding");
    row = bet_row();
    row[9].value = std::string("2026-11-01T12:00:00");
    EXPECT_EQ(expect_error(mapper().map(change("bets", R"({"id":5})", row))).problem,
              "'2026-11-01T12:00:00' is not an ISO-8601 timestamp with a zone and at most "
              "microsecond precision (a mapping can state the zone of zone-less times: "
              "formats.time_zone)");
}

TEST(ModelMapper, RefusesAnUnusableMapping) {
    auto m = MappingFile::builtin_simulator().mapping();
    m.bets.table = "players";
    m.bets.stake.clear();
    m.bets.statuses.clear();
    try {
        ModelMapper mapper(m);
        FAIL() << "no exception";
    } catch (const ToteError& e) {
        EXPECT_EQ(e.error_class(), ErrorClass::Fatal);
        EXPECT_EQ(std::string(e.what()),
                  "the betting mapping is not usable:\n"
                  "  - bet: table 'players' is already mapped to another entity\n"
                  "  - bet: no source column configured for required field 'stake'\n"
                  "  - bet: the value map of 'status' is empty\n"
                  "Fix the mapping configuration and start again.");
    }
}

}  // namespace
}  // namespace tote::model
