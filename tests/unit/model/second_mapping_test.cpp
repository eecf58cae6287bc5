// The seam: a differently shaped operator schema, described by data only, maps to the same
// model. Table `bet` with `amount` and `state` (capitals) in MAJOR units as decimal strings; a
// ledger `txn` that stores magnitudes and carries the sign in its type.
#include <gtest/gtest.h>

#include "model/mapping_file.h"
#include "model/model_mapper.h"
#include "model/time_text.h"
#include "row_builder.h"

namespace tote::model {
namespace {

using test::change;
using test::col;
using WT = WalletTransactionType;

BettingMapping operator_mapping() {
    BettingMapping m = MappingFile::builtin_simulator().mapping();  // catalogue as the simulator's
    auto& b = m.bets;
    b.table = "bet";
    b.id = "bet_ref";
    b.player_id = "customer";
    b.type = "kind";
    b.stake = "amount";
    b.currency = "ccy";
    b.total_odds = "price";
    b.potential_payout = "max_return";
    b.status = "state";
    b.payout = "returned";
    b.placed_at = "created";
    b.settled_at = "";  // this operator does not keep it
    b.channel = "source";
    b.money_unit = MoneyUnit::Major;
    b.types = {{"S", BetType::Single}, {"M", BetType::Accumulator}};
    b.statuses = {{"OPEN", BetStatus::Open},
                  {"WON", BetStatus::Won},
                  {"LOST", BetStatus::Lost},
                  {"VOID", BetStatus::Void},
                  {"CASHOUT", BetStatus::CashedOut}};
    b.channels = {{"1", Channel::Web}, {"2", Channel::App}, {"3", Channel::Ussd}};

    auto& w = m.wallet_transactions;
    w.table = "txn";
    w.id = "txn_id";
    w.player_id = "customer";
    w.type = "code";
    w.amount = "amount";
    w.currency = "ccy";
    w.bet_id = "bet_ref";
    w.status = "state";
    w.created_at = "ts";
    w.amount_unit = MoneyUnit::Major;
    w.types = {{"DEP", {WT::Deposit, +1}},      {"WDR", {WT::Withdrawal, -1}},
               {"STAKE", {WT::StakeDebit, -1}}, {"WIN", {WT::PayoutCredit, +1}},
               {"RFD", {WT::Refund, +1}},       {"BONUS", {WT::BonusCredit, +1}},
               {"ADJ+", {WT::Adjustment, +1}},  {"ADJ-", {WT::Adjustment, -1}}};
    w.statuses = {{"P", WalletTransactionStatus::Pending},
                  {"OK", WalletTransactionStatus::Completed},
                  {"KO", WalletTransactionStatus::Failed},
                  {"REV", WalletTransactionStatus::Reversed}};
    return m;
}

std::vector<Field> bet_row() {
    return {col("bet_ref", int64_t{77}),
            col("customer", int64_t{3}),
            col("kind", std::string("M")),
            col("amount", std::string("15.50")),
            col("ccy", std::string("KES")),
            col("price", std::string("2.5")),
            col("max_return", std::string("38.75")),
            col("state", std::string("WON")),
            col("returned", std::string("38.75")),
            col("created", int64_t{1'000'000}),
            col("source", int64_t{3})};
}

TEST(SecondMapping, MapsABetInMajorUnitsWithCapitalStatuses) {
    ModelMapper mapper(operator_mapping());
    auto r = mapper.map(change("bet", R"({"bet_ref":77})", bet_row()));
    ASSERT_TRUE(std::holds_alternative<Bet>(r)) << std::get<MappingError>(r).message();
    Bet b = std::get<Bet>(r);
    Bet want;
    want.id = 77;
    want.player_id = 3;
    want.type = BetType::Accumulator;
    want.stake_minor = 1550;
    want.currency = "KES";
    want.total_odds_e4 = 25000;
    want.potential_payout_minor = 3875;
    want.status = BetStatus::Won;
    want.payout_minor = 3875;
    want.placed_at_us = 1'000'000;  // an integer timestamp is µs since the epoch
    want.settled_at_us = std::nullopt;
    want.channel = Channel::Ussd;  // integer code looked up as its text
    EXPECT_EQ(b, want);
    // The simulator's own table name means nothing to this mapping.
    EXPECT_TRUE(std::holds_alternative<NotModelTable>(
        mapper.map(change("bets", R"({"id":1})", {col("id", int64_t{1})}))));
}

TEST(SecondMapping, UgxAmountsHaveNoDecimals) {
    ModelMapper mapper(operator_mapping());
    auto row = bet_row();
    row[4].value = std::string("UGX");
    row[3].value = std::string("1500.5");
    auto r = mapper.map(change("bet", R"({"bet_ref":77})", row));
    ASSERT_TRUE(std::holds_alternative<MappingError>(r));
    EXPECT_EQ(std::get<MappingError>(r).message(),
              R"(bet {"bet_ref":77} column 'amount': inexact money: amount 1500.5 UGX does not )"
              "convert exactly to minor units (exponent 0)");
}

TEST(SecondMapping, LowerCaseStatusIsUnknownHere) {
    ModelMapper mapper(operator_mapping());
    auto row = bet_row();
    row[7].value = std::string("won");
    auto r = mapper.map(change("bet", R"({"bet_ref":77})", row));
    ASSERT_TRUE(std::holds_alternative<MappingError>(r));
    EXPECT_EQ(std::get<MappingError>(r).problem,
              "unknown value 'won' (mapped values: CASHOUT, LOST, OPEN, VOID, WON)");
}

TEST(SecondMapping, LedgerMagnitudesGetTheModelSignFromTheType) {
    ModelMapper mapper(operator_mapping());
    auto txn = [&](const char* code, const char* amount) {
        auto r = mapper.map(change(
            "txn", R"({"txn_id":1})",
            {col("txn_id", int64_t{1}), col("customer", int64_t{3}), col("code", std::string(code)),
             col("amount", std::string(amount)), col("ccy", std::string("KES")),
             col("bet_ref", int64_t{77}), col("state", std::string("OK")),
             col("ts", std::string("2026-11-01T00:00:00Z"))}));
        EXPECT_TRUE(std::holds_alternative<WalletTransaction>(r));
        return std::holds_alternative<WalletTransaction>(r) ? std::get<WalletTransaction>(r)
                                                            : WalletTransaction{};
    };
    EXPECT_EQ(txn("STAKE", "15.50").amount_minor, -1550);
    EXPECT_EQ(txn("STAKE", "15.50").type, WT::StakeDebit);
    EXPECT_EQ(txn("WIN", "38.75").amount_minor, 3875);
    EXPECT_EQ(txn("ADJ-", "38.75").amount_minor, -3875);
    EXPECT_EQ(txn("ADJ+", "1").amount_minor, 100);
    EXPECT_EQ(txn("DEP", "100").amount_minor, 10000);
    // A magnitude stored negative ends up with the wrong model sign: validation flags it.
    EXPECT_EQ(txn("DEP", "-100").amount_minor, -10000);
    EXPECT_EQ(txn("STAKE", "15.50").status, WalletTransactionStatus::Completed);
}

// mappings/real_debezium.yaml: constants, derivations and the player's currency.
class PlayerCcy : public PlayerCurrencies {
public:
    const std::string* currency_of(int64_t id) const override { return id == 1 ? &gbp_ : nullptr; }

private:
    std::string gbp_ = "GBP";
};

TEST(SecondMapping, RealCapturesMappingFillsWhatTheSourceLacks) {
    ModelMapper mapper(
        MappingFile::load(std::string(TOTE_SOURCE_DIR) + "/mappings/real_debezium.yaml").mapping());
    PlayerCcy players;
    auto bet = [&](int64_t player) {
        return change("bets", R"({"id":3})",
                      {col("id", int64_t{3}), col("player_id", player),
                       col("stake", Decimal{2000, 2}), col("total_odds", Decimal{62500, 4}),
                       col("status", std::string("open")), col("payout", NullValue{}),
                       col("placed_at", std::string("2026-03-01T15:00:00.000000Z")),
                       col("settled_at", NullValue{}), col("note", NullValue{})});
    };
    auto r = mapper.map(bet(1), &players);
    ASSERT_TRUE(std::holds_alternative<Bet>(r)) << std::get<MappingError>(r).message();
    const Bet b = std::get<Bet>(r);
    EXPECT_EQ(b.currency, "GBP");
    EXPECT_EQ(b.stake_minor, 2000);
    EXPECT_EQ(b.total_odds_e4, 62500);
    EXPECT_EQ(b.potential_payout_minor, 12500);  // floor(2000 x 6.25)
    EXPECT_EQ(b.channel, Channel::Unknown);
    EXPECT_EQ(b.type, BetType::Single);  // the fact builder sets it from the legs
    r = mapper.map(bet(9), &players);
    ASSERT_TRUE(std::holds_alternative<MappingError>(r));
    EXPECT_EQ(std::get<MappingError>(r).message(),
              R"(bets {"id":3} column 'player_id': the bet takes its player's currency )"
              "(mapping: bet currency from player) and player 9 is not known yet: ingest the "
              "players first");
    r = mapper.map(change("players", R"({"id":1})",
                          {col("id", int64_t{1}), col("country", std::string("GB")),
                           col("currency", std::string("GBP")),
                           col("created_at", std::string("2026-01-01T10:00:00Z"))}));
    ASSERT_TRUE(std::holds_alternative<Player>(r)) << std::get<MappingError>(r).message();
    EXPECT_EQ(std::get<Player>(r).status, PlayerStatus::Active);
    EXPECT_EQ(std::get<Player>(r).channel, Channel::Unknown);
    // Tables the mapping lists as absent map nothing, even with the simulator's names.
    EXPECT_TRUE(std::holds_alternative<NotModelTable>(
        mapper.map(change("selections", R"({"id":1})", {col("id", int64_t{1})}))));
}

TEST(SecondMapping, IntegerOddsAndZoneLessTimesAsTheFormatsSay) {
    auto m = MappingFile::builtin_simulator().mapping();
    m.formats.odds_integer_scale = 2;
    m.formats.naive_time_zone = LocalTimeZone::fixed(3 * 3600);  // +03:00 (East Africa Time)
    m.formats.integer_time_unit_us = 1'000'000;
    ModelMapper mapper(m);
    auto leg = mapper.map(change(
        "bet_legs", R"({"bet_id":1,"leg_no":1})",
        {col("bet_id", int64_t{1}), col("leg_no", int64_t{1}), col("selection_id", int64_t{4}),
         col("odds_taken", int64_t{250}), col("result", NullValue{})}));
    ASSERT_TRUE(std::holds_alternative<BetLeg>(leg)) << std::get<MappingError>(leg).message();
    EXPECT_EQ(std::get<BetLeg>(leg).odds_taken_e4, 25000);  // 2.50
    leg = mapper.map(change(
        "bet_legs", R"({"bet_id":1,"leg_no":1})",
        {col("bet_id", int64_t{1}), col("leg_no", int64_t{1}), col("selection_id", int64_t{4}),
         col("odds_taken", Decimal{25, 1}), col("result", NullValue{})}));
    ASSERT_TRUE(std::holds_alternative<MappingError>(leg));
    EXPECT_EQ(std::get<MappingError>(leg).problem,
              "expected an integer: 2.5 has more than 0 decimals: it would need rounding");
    auto player = [&](Value registered) {
        return mapper.map(change(
            "players", R"({"id":1})",
            {col("id", int64_t{1}), col("country", std::string("KE")),
             col("currency", std::string("KES")), col("channel", std::string("app")),
             col("registered_at", std::move(registered)), col("status", std::string("active"))}));
    };
    auto p = player(std::string("2026-01-01 03:00:00"));  // 00:00 UTC
    ASSERT_TRUE(std::holds_alternative<Player>(p)) << std::get<MappingError>(p).message();
    EXPECT_EQ(std::get<Player>(p).registered_at_us, int64_t{1767225600} * 1'000'000);
    p = player(int64_t{1767225600});  // seconds
    ASSERT_TRUE(std::holds_alternative<Player>(p));
    EXPECT_EQ(std::get<Player>(p).registered_at_us, int64_t{1767225600} * 1'000'000);
}

TEST(SecondMapping, ZoneLessTimesInAZoneWithDaylightSaving) {
    auto m = MappingFile::builtin_simulator().mapping();
    m.formats.naive_time_zone = LocalTimeZone::named("Europe/London");
    ModelMapper mapper(m);
    auto player = [&](const char* registered) {
        return mapper.map(change(
            "players", R"({"id":1})",
            {col("id", int64_t{1}), col("country", std::string("GB")),
             col("currency", std::string("GBP")), col("channel", std::string("app")),
             col("registered_at", std::string(registered)), col("status", std::string("active"))}));
    };
    auto p = player("2026-07-01 12:00:00");  // BST: 11:00 UTC
    ASSERT_TRUE(std::holds_alternative<Player>(p)) << std::get<MappingError>(p).message();
    EXPECT_EQ(std::get<Player>(p).registered_at_us,
              *TimeText::parse_micros("2026-07-01T11:00:00Z"));
    p = player("2026-07-01T12:00:00+02:00");  // a time with its zone keeps it
    ASSERT_TRUE(std::holds_alternative<Player>(p));
    EXPECT_EQ(std::get<Player>(p).registered_at_us,
              *TimeText::parse_micros("2026-07-01T10:00:00Z"));
    p = player("2026-10-25 01:30:00");  // repeated: a mapping error naming the choice
    ASSERT_TRUE(std::holds_alternative<MappingError>(p));
    EXPECT_EQ(std::get<MappingError>(p).problem,
              "'2026-10-25 01:30:00': local time 2026-10-25T01:30:00.000000 occurs twice in "
              "Europe/London (the daylight-saving change at 2026-10-25T01:00:00.000000Z repeats "
              "it): set formats.ambiguous_time to earlier or later in the mapping");
    m.formats.ambiguous_time = AmbiguousTime::Later;
    ModelMapper later(m);
    p = later.map(change("players", R"({"id":1})",
                         {col("id", int64_t{1}), col("country", std::string("GB")),
                          col("currency", std::string("GBP")), col("channel", std::string("app")),
                          col("registered_at", std::string("2026-10-25 01:30:00")),
                          col("status", std::string("active"))}));
    ASSERT_TRUE(std::holds_alternative<Player>(p));
    EXPECT_EQ(std::get<Player>(p).registered_at_us,
              *TimeText::parse_micros("2026-10-25T01:30:00Z"));
}

}  // namespace
}  // namespace tote::model
