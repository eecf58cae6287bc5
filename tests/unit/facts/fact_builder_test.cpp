// FactBuilder on hand-written transactions of the simulator's schema: exact fact rows, versions,
// late dimensions, corrections, validation verdicts and the ETL log.
#include "transform/facts/fact_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <stdexcept>

#include "core/state_reader.h"
#include "core/state_writer.h"
#include "fact_stream.h"
#include "model/betting_mapping.h"
#include "model/mapping_file.h"

namespace tote::facts {
namespace {

using namespace test;  // NOLINT

constexpr int64_t kPlacedUs = int64_t{1'793'534'400} * 1'000'000;  // 2026-11-01T12:00:00Z

// The catalogue, two players and the day's FX rates, as one snapshot-like transaction.
std::vector<ChangeEvent> catalogue() {
    return {sport(1, "Football"),
            competition(2, 1, "Premier League"),
            event(3, 2, "scheduled"),
            market(4, 3),
            selection(5, 4, "2.5000"),
            selection(51, 4, "2.0000"),
            selection(52, 4, "1.5000"),
            selection(53, 4, "3.0001"),
            player(7, "UG", "UGX"),
            player(8, "NG", "NGN", "web"),
            fx("UGX", kDay, "0.0002500000"),
            fx("NGN", kDay, "0.0006000000")};
}

struct Harness {
    explicit Harness(int64_t watermark = 10)
        : builder(model::MappingFile::builtin_simulator().mapping(), FactBuilderConfig{watermark}) {
    }
    FactBatch add(CompleteTransaction t) {
        FactBatch b;
        builder.add(t, b);
        append(all, b);
        txs.push_back(std::move(t));
        return b;
    }
    FactBatch advance(int64_t offset) {
        FactBatch b;
        builder.advance(offset, b);
        append(all, b);
        advances.push_back(offset);
        return b;
    }
    // The latest emitted version of bet `id`.
    const FactBet& bet(int64_t id) const {
        const FactBet* last = nullptr;
        for (const auto& f : all.bets)
            if (f.bet_id == id && (!last || f.version > last->version)) last = &f;
        if (!last) throw std::runtime_error("no fact for bet " + std::to_string(id));
        return *last;
    }
    const FactWalletTransaction& wallet_row(int64_t id) const {
        const FactWalletTransaction* last = nullptr;
        for (const auto& f : all.wallet)
            if (f.id == id && (!last || f.version > last->version)) last = &f;
        if (!last) throw std::runtime_error("no fact for wallet row " + std::to_string(id));
        return *last;
    }
    size_t log_count(const std::string& rule, const std::string& key) const {
        return static_cast<size_t>(
            std::count_if(all.log.begin(), all.log.end(),
                          [&](const auto& e) { return e.rule == rule && e.entity_key == key; }));
    }
    Source src;
    FactBuilder builder;
    FactBatch all;
    std::vector<CompleteTransaction> txs;
    std::vector<int64_t> advances;
};

FactBet expected_open_single() {
    FactBet f;
    f.bet_id = 10;
    f.player_id = 7;
    f.player_country = "UG";
    f.player_channel = "app";
    f.currency = "UGX";
    f.wallet_currency = "UGX";
    f.channel = "app";
    f.bet_type = "single";
    f.status = "open";
    f.stake_minor = 1500;
    f.potential_payout_minor = 3750;
    f.stake_eur_cents = 38;  // 1500 UGX x 0.00025 = 0.375 EUR = 37.5 cents -> 38 (half even)
    f.potential_payout_eur_cents = 94;  // 3750 UGX x 0.00025 = 93.75 cents -> 94
    f.fx_rate_e10 = 2'500'000;
    f.total_odds_e4 = 25000;
    f.legs = 1;
    f.sports = {"Football"};
    f.competitions = {"Premier League"};
    f.placed_at_us = kPlacedUs;
    f.validation = ValidationStatus::Ok;
    return f;
}

TEST(FactBuilder, SingleBetPlacedGivesExactFacts) {
    Harness h;
    h.add(h.src.tx(catalogue()));
    auto placement = h.src.tx(
        {bet(BetRow{}), leg(10, 1, 5, "2.5000"), wallet(100, 7, "stake_debit", -1500, "UGX", 10)});
    const uint64_t debit_version = placement.changes.back().version;
    const int64_t end_offset = placement.last_offset;
    FactBatch out = h.add(placement);

    FactBet want = expected_open_single();
    want.version = debit_version;  // the newest input of the transaction
    want.log_offset = end_offset;
    ASSERT_EQ(out.bets.size(), 1u);
    EXPECT_EQ(out.bets[0], want);

    FactBetLeg wl;
    wl.bet_id = 10;
    wl.leg_no = 1;
    wl.version = h.txs.back().changes[1].version;
    wl.log_offset = end_offset;
    wl.selection_id = 5;
    wl.market_id = 4;
    wl.event_id = 3;
    wl.sport = "Football";
    wl.competition = "Premier League";
    wl.market_type = "1X2";
    wl.odds_taken_e4 = 25000;
    ASSERT_EQ(out.legs.size(), 1u);
    EXPECT_EQ(out.legs[0], wl);

    FactWalletTransaction ww;
    ww.id = 100;
    ww.version = debit_version;
    ww.log_offset = end_offset;
    ww.player_id = 7;
    ww.type = "stake_debit";
    ww.status = "completed";
    ww.currency = "UGX";
    ww.amount_minor = -1500;
    ww.amount_eur_cents = -38;  // -37.5 -> -38 (half even)
    ww.bet_id = 10;
    ww.player_country = "UG";
    ww.created_at_us = kPlacedUs;
    ASSERT_EQ(out.wallet.size(), 1u);
    EXPECT_EQ(out.wallet[0], ww);
    EXPECT_EQ(out.log, std::vector<EtlLogEntry>{});

    // Nothing was pending: the watermark re-emits nothing.
    EXPECT_EQ(h.builder.pending_facts(), 0u);
    FactBatch later = h.advance(end_offset + 1000);
    EXPECT_TRUE(later.bets.empty() && later.legs.empty() && later.wallet.empty());
}

// Settles an accumulator of bet 20 (player 8, NGN, stake 1000): legs 2.0000 win, 1.5000 void,
// 3.0001 dead heat at 0.3333 -> effective odds 2 x 1 x floor(3.0001 x 0.3333 = 0.99993333)
// = 1.9998 -> payout floor(1000 x 1.9998) = 1999.
void place_and_settle_accumulator(Harness& h, int64_t credit) {
    BetRow b;
    b.id = 20;
    b.player_id = 8;
    b.type = "accumulator";
    b.stake = 1000;
    b.currency = "NGN";
    b.total_odds = "9.0003";  // 2 x 1.5 x 3.0001
    b.potential = 9000;       // floor(1000 x 9.0003)
    h.add(h.src.tx({bet(b), leg(20, 1, 51, "2.0000"), leg(20, 2, 52, "1.5000"),
                    leg(20, 3, 53, "3.0001"), wallet(200, 8, "stake_debit", -1000, "NGN", 20)}));
    h.add(h.src.tx({event(3, 2, "finished"), selection(51, 4, "2.0000", "win"),
                    selection(52, 4, "1.5000", "void"),
                    selection(53, 4, "3.0001", "dead_heat", "0.3333")}));
    b.status = "won";
    b.payout = 1999;
    b.settled_at = "2026-11-01T18:00:00.000000Z";
    std::vector<ChangeEvent> settle = {leg(20, 1, 51, "2.0000", "win"),
                                       leg(20, 2, 52, "1.5000", "void"),
                                       leg(20, 3, 53, "3.0001", "dead_heat"), bet(b)};
    if (credit != 0)
        settle.push_back(wallet(201, 8, "payout_credit", credit, "NGN", 20, "completed",
                                "2026-11-01T18:00:00.000000Z"));
    h.add(h.src.tx(std::move(settle)));
}

TEST(FactBuilder, AccumulatorWithVoidLegAndDeadHeatSettledWonIsOk) {
    Harness h;
    h.add(h.src.tx(catalogue()));
    place_and_settle_accumulator(h, 1999);
    const FactBet& f = h.bet(20);
    EXPECT_EQ(f.status, "won");
    EXPECT_EQ(f.payout_minor, 1999);
    EXPECT_EQ(f.stake_eur_cents, 1);   // NGN 10.00 x 0.0006 = 0.6 cents -> 1
    EXPECT_EQ(f.payout_eur_cents, 1);  // NGN 19.99 x 0.0006 = 1.1994 cents -> 1
    EXPECT_EQ(f.ggr_minor, 1000 - 1999);
    EXPECT_EQ(f.legs, 3u);
    EXPECT_EQ(f.sports, (std::vector<std::string>{"Football", "Football", "Football"}));
    EXPECT_EQ(f.validation, ValidationStatus::Ok) << ::testing::PrintToString(f.violated_rules);
    EXPECT_EQ(f.violated_rules, std::vector<std::string>{});
    EXPECT_EQ(f.log_offset, h.txs.back().last_offset);
    EXPECT_EQ(f.version, h.txs.back().changes.back().version);
    EXPECT_EQ(h.all.log, std::vector<EtlLogEntry>{});
    // Placement emitted version 1, settlement version 2 (the finish changed nothing the fact
    // shows, so it emitted nothing); legs: 3 at placement, 3 with results.
    EXPECT_EQ(std::count_if(h.all.bets.begin(), h.all.bets.end(),
                            [](const FactBet& x) { return x.bet_id == 20; }),
              2);
    EXPECT_EQ(h.all.legs.size(), 6u);
}

TEST(FactBuilder, ResettlementEmitsNewVersionAndStaysOk) {
    Harness h;
    h.add(h.src.tx(catalogue()));
    place_and_settle_accumulator(h, 1999);
    const uint64_t settled_version = h.bet(20).version;
    // Result correction: leg 3 was a full win after all. Reverse the credit, pay the new amount:
    // 2 x 1 x 3.0001 = 6.0002 -> floor(1000 x 6.0002) = 6000.
    h.add(h.src.tx({selection(53, 4, "3.0001", "win")}));
    BetRow b;
    b.id = 20;
    b.player_id = 8;
    b.type = "accumulator";
    b.stake = 1000;
    b.currency = "NGN";
    b.total_odds = "9.0003";
    b.potential = 9000;
    b.status = "won";
    b.payout = 6000;
    b.settled_at = "2026-11-02T09:00:00.000000Z";
    h.add(h.src.tx(
        {leg(20, 3, 53, "3.0001", "win"), bet(b),
         wallet(202, 8, "adjustment", -1999, "NGN", 20, "completed", "2026-11-02T09:00:00.000000Z"),
         wallet(203, 8, "payout_credit", 6000, "NGN", 20, "completed",
                "2026-11-02T09:00:00.000000Z")}));
    const FactBet& f = h.bet(20);
    EXPECT_GT(f.version, settled_version);
    EXPECT_EQ(f.version, h.txs.back().changes.back().version);
    EXPECT_EQ(f.payout_minor, 6000);
    EXPECT_EQ(f.settled_at_us, kPlacedUs + int64_t{21} * 3600 * 1'000'000);
    EXPECT_EQ(f.payout_eur_cents, 4);  // NGN 60.00 x 0.0006 = 3.6 cents, placement day's rate
    EXPECT_EQ(f.ggr_minor, 1000 - 6000);
    EXPECT_EQ(f.validation, ValidationStatus::Ok) << ::testing::PrintToString(f.violated_rules);
    h.advance(h.src.offset() + 100);
    EXPECT_EQ(h.bet(20).validation, ValidationStatus::Ok);
    EXPECT_EQ(h.all.log, std::vector<EtlLogEntry>{});
    // The adjustment has no FX rate for 2026-11-02 yet: pending, then final (Ok, 0 cents).
    EXPECT_EQ(h.wallet_row(202).amount_eur_cents, 0);
    EXPECT_EQ(h.wallet_row(202).validation, ValidationStatus::Ok);
    // The rate arrives: re-emitted with the rate's version.
    h.add(h.src.tx({fx("NGN", kDay + 1, "0.0006000000")}));
    EXPECT_EQ(h.wallet_row(202).amount_eur_cents, -1);  // NGN -19.99 x 0.0006 = -1.1994 cents
    EXPECT_EQ(h.wallet_row(202).version, h.txs.back().changes[0].version);
}

TEST(FactBuilder, LateSelectionIsInferredThenReEmitted) {
    Harness h(/*watermark=*/50);
    h.add(h.src.tx(catalogue()));
    BetRow b;
    b.total_odds = "4.0000";
    b.potential = 6000;
    h.add(h.src.tx(
        {bet(b), leg(10, 1, 60, "4.0000"), wallet(100, 7, "stake_debit", -1500, "UGX", 10)}));
    const FactBet first = h.bet(10);
    EXPECT_TRUE(first.dimensions_inferred);
    EXPECT_EQ(first.sports, std::vector<std::string>{""});
    EXPECT_EQ(first.validation, ValidationStatus::Pending);
    EXPECT_EQ(first.violated_rules, std::vector<std::string>{});
    ASSERT_EQ(h.all.legs.size(), 1u);
    EXPECT_TRUE(h.all.legs[0].inferred);
    EXPECT_EQ(h.all.legs[0].market_id, 0);

    // The selection arrives (its market, event, competition and sport are known).
    auto late = h.src.tx({selection(60, 4, "4.0000")});
    const uint64_t selection_version = late.changes[0].version;
    FactBatch out = h.add(late);
    ASSERT_EQ(out.bets.size(), 1u);
    EXPECT_EQ(out.bets[0].version, selection_version);
    EXPECT_GT(out.bets[0].version, first.version);
    EXPECT_FALSE(out.bets[0].dimensions_inferred);
    EXPECT_EQ(out.bets[0].sports, std::vector<std::string>{"Football"});
    ASSERT_EQ(out.legs.size(), 1u);
    EXPECT_FALSE(out.legs[0].inferred);
    EXPECT_EQ(out.legs[0].market_id, 4);
    EXPECT_EQ(out.legs[0].version, selection_version);
    // The event's status at placement stays unknown (the selection was not known then), so
    // no_bet_on_finished_event cannot pass before the watermark; after it the fact is Ok.
    EXPECT_EQ(out.bets[0].validation, ValidationStatus::Pending);
    FactBatch fin = h.advance(late.last_offset + 50);
    ASSERT_EQ(fin.bets.size(), 1u);
    EXPECT_EQ(fin.bets[0].validation, ValidationStatus::Ok);
    EXPECT_EQ(fin.bets[0].version, selection_version + 1);
    EXPECT_EQ(h.all.log, std::vector<EtlLogEntry>{});
}

TEST(FactBuilder, LatePlayerIsInferredThenReEmittedOk) {
    Harness h(/*watermark=*/50);
    auto cat = catalogue();
    cat.erase(cat.begin() + 8);  // no player 7
    h.add(h.src.tx(cat));
    h.add(h.src.tx(
        {bet(BetRow{}), leg(10, 1, 5, "2.5000"), wallet(100, 7, "stake_debit", -1500, "UGX", 10)}));
    EXPECT_TRUE(h.bet(10).player_inferred);
    EXPECT_EQ(h.bet(10).player_country, "");
    EXPECT_EQ(h.bet(10).validation, ValidationStatus::Pending);
    auto late = h.src.tx({player(7, "UG", "UGX")});
    h.add(late);
    FactBet want = expected_open_single();
    want.version = late.changes[0].version;
    want.log_offset = late.last_offset;
    EXPECT_EQ(h.bet(10), want);
    EXPECT_EQ(h.wallet_row(100).player_country, "UG");
    EXPECT_EQ(h.wallet_row(100).version, late.changes[0].version);
}

// --- Every injected anomaly kind: Violation with its rule, and exactly one log entry. ---

struct AnomalyCase {
    std::string name;
    std::function<void(Harness&)> write;
    std::string entity;  // "bet" or "wallet_transaction"
    int64_t id;
    std::string rule;
};

void place_single(Harness& h, std::vector<ChangeEvent> extra = {}, BetRow b = BetRow{}) {
    std::vector<ChangeEvent> c = {bet(b), leg(b.id, 1, 5, "2.5000"),
                                  wallet(100, b.player_id, "stake_debit", -b.stake, "UGX", b.id)};
    for (auto& e : extra) c.push_back(std::move(e));
    h.add(h.src.tx(std::move(c)));
}

BetRow won_single() {
    BetRow b;
    b.status = "won";
    b.payout = 3750;
    b.settled_at = "2026-11-01T18:00:00.000000Z";
    return b;
}

std::vector<AnomalyCase> anomaly_cases() {
    return {
        {"payout_without_credit",
         [](Harness& h) {
             place_single(h);
             h.add(h.src.tx({selection(5, 4, "2.5000", "win")}));
             h.add(h.src.tx({leg(10, 1, 5, "2.5000", "win"), bet(won_single())}));
         },
         "bet", 10, "winning_settlement_has_payout_credit"},
        {"stake_debited_twice",
         [](Harness& h) { place_single(h, {wallet(101, 7, "stake_debit", -1500, "UGX", 10)}); },
         "bet", 10, "stake_debit_matches_bet"},
        {"leg_unknown_selection",
         [](Harness& h) {
             h.add(h.src.tx({bet(BetRow{}), leg(10, 1, 900000012, "2.5000"),
                             wallet(100, 7, "stake_debit", -1500, "UGX", 10)}));
         },
         "bet", 10, "leg_selection_known"},
        {"currency_mismatch",
         [](Harness& h) {
             BetRow b;
             b.currency = "NGN";  // player 7's wallet is UGX; the debit is in UGX
             b.stake = 1500;
             h.add(h.src.tx({bet(b), leg(10, 1, 5, "2.5000"),
                             wallet(100, 7, "stake_debit", -1500, "UGX", 10)}));
         },
         "bet", 10, "bet_currency_equals_wallet_currency"},
        {"settled_with_open_leg",
         [](Harness& h) {
             BetRow b;
             b.type = "accumulator";
             b.total_odds = "5.0000";
             b.potential = 7500;
             h.add(h.src.tx({bet(b), leg(10, 1, 5, "2.5000"), leg(10, 2, 51, "2.0000"),
                             wallet(100, 7, "stake_debit", -1500, "UGX", 10)}));
             h.add(h.src.tx({selection(5, 4, "2.5000", "lose")}));
             b.status = "lost";
             b.payout = 0;
             b.settled_at = "2026-11-01T18:00:00.000000Z";
             h.add(h.src.tx({leg(10, 1, 5, "2.5000", "lose"), bet(b)}));
         },
         "bet", 10, "settled_bet_has_all_legs_settled"},
        {"bet_on_finished_event",
         [](Harness& h) {
             h.add(h.src.tx({event(3, 2, "finished")}));
             place_single(h);
         },
         "bet", 10, "no_bet_on_finished_event"},
        {"negative_amount",
         [](Harness& h) { h.add(h.src.tx({wallet(300, 7, "deposit", -5000, "UGX", {})})); },
         "wallet_transaction", 300, "wallet_amount_sign_matches_type"},
    };
}

TEST(FactBuilder, EveryInjectedAnomalyKindIsAViolationWithOneLogEntry) {
    for (const auto& c : anomaly_cases()) {
        SCOPED_TRACE(c.name);
        Harness h(/*watermark=*/20);
        h.add(h.src.tx(catalogue()));
        c.write(h);
        h.advance(h.src.offset() + 20);  // every watermark has passed
        std::vector<std::string> violated;
        ValidationStatus status;
        if (c.entity == "bet") {
            violated = h.bet(c.id).violated_rules;
            status = h.bet(c.id).validation;
        } else {
            violated = h.wallet_row(c.id).violated_rules;
            status = h.wallet_row(c.id).validation;
        }
        EXPECT_EQ(status, ValidationStatus::Violation);
        EXPECT_NE(std::find(violated.begin(), violated.end(), c.rule), violated.end())
            << ::testing::PrintToString(violated);
        EXPECT_EQ(h.log_count(c.rule, id_key(c.id)), 1u);
        for (const auto& e : h.all.log) {
            EXPECT_EQ(e.entity, c.entity);
            EXPECT_EQ(e.entity_key, id_key(c.id));
            EXPECT_EQ(e.severity, "error");
            EXPECT_FALSE(e.details.empty());
        }
        // Rules found on a Violation are exactly those logged.
        for (const auto& r : violated) EXPECT_EQ(h.log_count(r, id_key(c.id)), 1u) << r;
    }
}

TEST(FactBuilder, PendingVerdictsAreNeverLogged) {
    Harness h(/*watermark=*/1000);
    h.add(h.src.tx(catalogue()));
    // A bet without its debit: Pending until the watermark, then a Violation logged once.
    h.add(h.src.tx({bet(BetRow{}), leg(10, 1, 5, "2.5000")}));
    EXPECT_EQ(h.bet(10).validation, ValidationStatus::Pending);
    EXPECT_EQ(h.all.log, std::vector<EtlLogEntry>{});
    h.advance(h.txs.back().last_offset + 999);
    EXPECT_EQ(h.bet(10).validation, ValidationStatus::Pending);
    h.advance(h.txs.back().last_offset + 1000);
    EXPECT_EQ(h.bet(10).validation, ValidationStatus::Violation);
    EXPECT_EQ(h.bet(10).violated_rules, std::vector<std::string>{"bet_has_stake_debit"});
    ASSERT_EQ(h.all.log.size(), 1u);
    EXPECT_EQ(h.all.log[0].version, h.bet(10).version);
    EXPECT_EQ(h.all.log[0].rule, "bet_has_stake_debit");
    EXPECT_EQ(h.all.log[0].details, "bet 10 has no completed stake debit in the ledger");
}

TEST(FactBuilder, IncompleteTransactionIsProcessedAndLogged) {
    Harness h;
    h.add(h.src.tx(catalogue()));
    auto t = h.src.tx({bet(BetRow{}), leg(10, 1, 5, "2.5000")}, /*complete=*/false);
    FactBatch out = h.add(t);
    ASSERT_EQ(out.bets.size(), 1u);
    ASSERT_EQ(out.log.size(), 1u);
    EXPECT_EQ(out.log[0].rule, "incomplete_transaction");
    EXPECT_EQ(out.log[0].entity, "transaction");
    EXPECT_EQ(out.log[0].entity_key, "{\"tx_id\":" + std::to_string(t.tx_id) + "}");
    EXPECT_EQ(out.log[0].version, t.changes.back().version);
    EXPECT_EQ(out.log[0].log_offset, t.last_offset);
}

TEST(FactBuilder, MappingErrorIsLoggedAndSkipped) {
    Harness h;
    h.add(h.src.tx(catalogue()));
    BetRow b;
    b.status = "settled";  // not in the value map
    FactBatch out = h.add(h.src.tx({bet(b)}));
    EXPECT_TRUE(out.bets.empty());
    ASSERT_EQ(out.log.size(), 1u);
    EXPECT_EQ(out.log[0].rule, "mapping_error");
    EXPECT_EQ(out.log[0].entity, "bets");
    EXPECT_EQ(out.log[0].entity_key, "{\"id\":10}");
    EXPECT_NE(out.log[0].details.find("unknown value 'settled'"), std::string::npos)
        << out.log[0].details;
}

TEST(FactBuilder, RenumberedLegIsDeletedAndRecreated) {
    Harness h;
    h.add(h.src.tx(catalogue()));
    place_single(h);
    FactBatch out = h.add(h.src.tx({removed("bet_legs", leg_key(10, 1)), leg(10, 2, 5, "2.5000")}));
    ASSERT_EQ(out.legs.size(), 2u);
    EXPECT_EQ(out.legs[0].leg_no, 1);
    EXPECT_TRUE(out.legs[0].deleted);
    EXPECT_EQ(out.legs[1].leg_no, 2);
    EXPECT_FALSE(out.legs[1].deleted);
    EXPECT_EQ(h.bet(10).legs, 1u);
    EXPECT_EQ(h.bet(10).validation, ValidationStatus::Ok);
}

TEST(FactBuilder, StaleReDeliveryIsIgnored) {
    Harness h;
    h.add(h.src.tx(catalogue()));
    auto placement = h.src.tx(
        {bet(BetRow{}), leg(10, 1, 5, "2.5000"), wallet(100, 7, "stake_debit", -1500, "UGX", 10)});
    auto again = placement;
    h.add(placement);
    BetRow won = won_single();
    h.add(h.src.tx({selection(5, 4, "2.5000", "win")}));
    h.add(h.src.tx({leg(10, 1, 5, "2.5000", "win"), bet(won),
                    wallet(101, 7, "payout_credit", 3750, "UGX", 10)}));
    const FactBet settled = h.bet(10);
    again.first_offset = h.src.offset();
    h.src.skip(5);
    again.last_offset = h.src.offset() - 1;
    FactBatch out = h.add(again);  // older versions than held: nothing changes
    EXPECT_TRUE(out.bets.empty() && out.legs.empty() && out.wallet.empty());
    EXPECT_EQ(h.bet(10), settled);
    // The bet and the leg are older than held; the debit is the same version (re-applied, no
    // change, nothing emitted).
    EXPECT_EQ(h.builder.stats().stale_changes, 2u);
}

TEST(FactBuilder, ReplayIntoAFreshBuilderGivesIdenticalRows) {
    Harness h(/*watermark=*/20);
    h.add(h.src.tx(catalogue()));
    place_and_settle_accumulator(h, 1999);
    for (const auto& c : anomaly_cases()) {
        if (c.name == "negative_amount" || c.name == "payout_without_credit") c.write(h);
    }
    h.advance(h.src.offset() + 20);
    ASSERT_FALSE(h.all.bets.empty());
    ASSERT_FALSE(h.all.log.empty());

    FactBuilder fresh(model::MappingFile::builtin_simulator().mapping(), FactBuilderConfig{20});
    FactBatch replay;
    for (const auto& t : h.txs) fresh.add(t, replay);
    fresh.advance(h.advances.back(), replay);
    EXPECT_EQ(replay.bets, h.all.bets);
    EXPECT_EQ(replay.legs, h.all.legs);
    EXPECT_EQ(replay.wallet, h.all.wallet);
    EXPECT_EQ(replay.log, h.all.log);
    EXPECT_EQ(replay.dims, h.all.dims);
    EXPECT_GE(replay.dims.size(), 12u);  // the catalogue and the selections resulted later
}

// Every dimension change becomes a DimRow with the change's version and the transaction's log
// offset; a re-delivered older change emits nothing; a delete and a truncate emit key-only rows
// with deleted = true.
TEST(FactBuilder, DimensionChangesAreEmittedAsVersionedRows) {
    Harness h;
    auto first = h.src.tx(catalogue());
    FactBatch out = h.add(first);
    ASSERT_EQ(out.dims.size(), 12u);
    ASSERT_EQ(out.dims.sports.size(), 1u);
    EXPECT_EQ(out.dims.sports[0],
              (DimRow<model::Sport>{model::Sport{1, "Football"}, first.changes[0].version,
                                    first.last_offset, false}));
    ASSERT_EQ(out.dims.selections.size(), 4u);
    EXPECT_EQ(out.dims.selections[3].row.id, 53);
    EXPECT_EQ(out.dims.selections[3].row.odds_e4, 30001);
    EXPECT_EQ(out.dims.selections[3].version, first.changes[7].version);
    ASSERT_EQ(out.dims.players.size(), 2u);
    EXPECT_EQ(out.dims.players[1].row.country, "NG");
    EXPECT_EQ(out.dims.players[1].row.channel, model::Channel::Web);
    ASSERT_EQ(out.dims.fx_rates.size(), 2u);
    EXPECT_EQ(out.dims.fx_rates[0].row,
              (model::FxRate{"UGX", static_cast<int32_t>(kDay), 2500000}));
    EXPECT_EQ(h.builder.stats().dims_emitted, 12u);

    // An update of a selection (its result): the new row at the new version.
    auto update = h.src.tx({selection(5, 4, "2.5000", "win")});
    out = h.add(update);
    ASSERT_EQ(out.dims.size(), 1u);
    ASSERT_EQ(out.dims.selections.size(), 1u);
    EXPECT_EQ(out.dims.selections[0].row.result, model::LegResult::Win);
    EXPECT_EQ(out.dims.selections[0].version, update.changes[0].version);
    EXPECT_EQ(out.dims.selections[0].log_offset, update.last_offset);

    // The catalogue re-delivered (older versions than held for selection 5; the others are the
    // same versions again and re-emit identical rows).
    auto again = first;
    again.first_offset = h.src.offset();
    h.src.skip(20);
    again.last_offset = h.src.offset() - 1;
    out = h.add(again);
    EXPECT_EQ(out.dims.size(), 11u);
    EXPECT_TRUE(out.dims.selections.size() == 3u &&
                std::none_of(out.dims.selections.begin(), out.dims.selections.end(),
                             [](const auto& r) { return r.row.id == 5; }));

    // A delete: a key-only row.
    auto del = h.src.tx({removed("markets", id_key(4))});
    out = h.add(del);
    ASSERT_EQ(out.dims.markets.size(), 1u);
    model::Market gone;
    gone.id = 4;
    EXPECT_EQ(out.dims.markets[0],
              (DimRow<model::Market>{gone, del.changes[0].version, del.last_offset, true}));
    EXPECT_EQ(out.dims.size(), 1u);

    // A truncate of fx_rates: every held rate, deleted, at the truncate's version.
    auto trunc = h.src.tx({row("fx_rates", "", {}, Op::Truncate)});
    out = h.add(trunc);
    ASSERT_EQ(out.dims.fx_rates.size(), 2u);
    EXPECT_EQ(out.dims.fx_rates[0].row.currency, "NGN");  // sorted by key
    EXPECT_EQ(out.dims.fx_rates[1].row.currency, "UGX");
    for (const auto& r : out.dims.fx_rates) {
        EXPECT_TRUE(r.deleted);
        EXPECT_EQ(r.version, trunc.changes[0].version);
        EXPECT_EQ(r.row.rate_e10, 0);
    }
    EXPECT_EQ(h.builder.dimensions().fx_rate("UGX", static_cast<int32_t>(kDay)), nullptr);
}

TEST(FactBuilder, VersionsOfOneFactStrictlyIncrease) {
    Harness h(/*watermark=*/20);
    h.add(h.src.tx(catalogue()));
    place_and_settle_accumulator(h, 1999);
    for (const auto& c : anomaly_cases())
        if (c.name == "leg_unknown_selection") c.write(h);
    h.advance(h.src.offset() + 20);
    std::map<int64_t, uint64_t> last;
    for (const auto& f : h.all.bets) {
        EXPECT_GT(f.version, last[f.bet_id]) << "bet " << f.bet_id;
        last[f.bet_id] = f.version;
    }
    std::map<std::pair<int64_t, int32_t>, uint64_t> last_leg;
    for (const auto& f : h.all.legs) {
        auto& v = last_leg[{f.bet_id, f.leg_no}];
        EXPECT_GT(f.version, v);
        v = f.version;
    }
}

}  // namespace
}  // namespace tote::facts

namespace tote::facts {
namespace {

using namespace test;  // NOLINT

// issue 12, case 4: a player updated to KE, deleted, then the update delivered again (Debezium
// after a crash; here without a transaction block, as a connector without transaction metadata
// sends it). The deleted player must stay deleted: no dimension row, no KE on later facts.
TEST(FactBuilder, ReDeliveredUpdateOfADeletedDimensionStaysDeleted) {
    Harness h;
    h.add(h.src.tx(catalogue()));
    ChangeEvent to_ke = player(7, "KE", "KES");
    to_ke.op = Op::Update;
    const auto update = h.src.tx({to_ke});
    h.add(update);
    h.add(h.src.tx({removed("players", id_key(7))}));
    ASSERT_EQ(h.builder.dimensions().player(7), nullptr);

    CompleteTransaction again;  // the same change, same source position, unmarked
    again.changes = update.changes;
    again.changes[0].source.tx_id = 0;
    again.changes[0].source.total_order = 0;
    again.transaction_metadata = false;
    again.first_offset = again.last_offset = h.src.offset();
    h.src.skip(1);
    FactBatch out = h.add(again);
    EXPECT_TRUE(out.dims.players.empty());
    EXPECT_EQ(h.builder.dimensions().player(7), nullptr);
    EXPECT_EQ(h.builder.stats().stale_changes, 1u);

    h.add(h.src.tx({wallet(100, 7, "deposit", 5000, "UGX", std::nullopt)}));
    EXPECT_EQ(h.wallet_row(100).player_country, "");
}

// issue 12, case 6: a deleted bet takes back its KPI contribution. fact_bet gets a new version
// with status "deleted" (its other fields as last known, validation ok, no violated rules); the
// KPI contribution of that version is nothing, so the retraction of the previous one remains.
TEST(FactBuilder, DeletedBetIsANewVersionWithStatusDeleted) {
    Harness h;
    h.add(h.src.tx(catalogue()));
    h.add(h.src.tx(
        {bet(BetRow{}), leg(10, 1, 5, "2.5000"), wallet(100, 7, "stake_debit", -1500, "UGX", 10)}));
    const FactBet placed = h.bet(10);
    ASSERT_EQ(placed.status, "open");
    const auto deletion = h.src.tx({removed("bets", id_key(10))});
    FactBatch out = h.add(deletion);
    ASSERT_EQ(out.bets.size(), 1u);
    FactBet want = placed;
    want.status = "deleted";
    want.validation = ValidationStatus::Ok;
    want.violated_rules.clear();
    want.version = deletion.changes[0].version;
    want.log_offset = deletion.last_offset;
    EXPECT_EQ(out.bets[0], want);
    EXPECT_EQ(h.builder.pending_facts(), 0u);
    // Nothing more for it: later inputs (its debit changing) emit no bet version.
    out = h.add(h.src.tx({wallet(100, 7, "stake_debit", -1500, "UGX", 10, "reversed")}));
    EXPECT_TRUE(out.bets.empty());
}

}  // namespace
}  // namespace tote::facts

namespace tote::facts {
namespace {

using namespace test;  // NOLINT

// Joining an existing database: Debezium's initial snapshot reads a bet placed (and won) on an
// event that has finished since. The snapshot shows the event as finished: that is its status
// now, not at placement, so no_bet_on_finished_event must not flag the bet, whichever table the
// snapshot reads first; the bet's facts are otherwise exact, and a bet placed on the finished
// event after the snapshot (streamed) is still a violation.
TEST(FactBuilder, SnapshotReadBetIsNotJudgedByTheEventStatusItShowsNow) {
    auto won_bet_snapshot = [](bool catalogue_first) {
        std::vector<ChangeEvent> catalogue_rows = {sport(1, "Football"),
                                                   competition(2, 1, "Premier League"),
                                                   event(3, 2, "finished"),
                                                   market(4, 3),
                                                   selection(5, 4, "2.5000", "win"),
                                                   player(7, "UG", "UGX"),
                                                   fx("UGX", kDay, "0.0002500000")};
        BetRow b;
        b.status = "won";
        b.payout = 3750;
        b.settled_at = "2026-11-01T18:00:00.000000Z";
        std::vector<ChangeEvent> bet_rows = {leg(10, 1, 5, "2.5000", "win"), bet(b),
                                             wallet(100, 7, "stake_debit", -1500, "UGX", 10),
                                             wallet(101, 7, "payout_credit", 3750, "UGX", 10,
                                                    "completed", "2026-11-01T18:00:00.000000Z")};
        std::vector<ChangeEvent> rows;
        for (auto* part : catalogue_first ? std::array{&catalogue_rows, &bet_rows}
                                          : std::array{&bet_rows, &catalogue_rows})
            for (auto& r : *part) rows.push_back(r);
        return rows;
    };
    for (bool catalogue_first : {true, false}) {
        SCOPED_TRACE(catalogue_first ? "catalogue read first" : "bets read first");
        Harness h(/*watermark=*/20);
        for (auto& unit : h.src.snapshot(won_bet_snapshot(catalogue_first))) h.add(unit);
        h.advance(h.src.offset() + 20);  // every watermark has passed
        const FactBet& f = h.bet(10);
        EXPECT_EQ(f.status, "won");
        EXPECT_EQ(f.payout_minor, 3750);
        EXPECT_EQ(f.validation, ValidationStatus::Ok);
        EXPECT_TRUE(f.violated_rules.empty()) << ::testing::PrintToString(f.violated_rules);
        EXPECT_EQ(h.log_count("no_bet_on_finished_event", id_key(10)), 0u);
        EXPECT_TRUE(h.all.log.empty());
        for (const auto& l : h.all.legs) EXPECT_FALSE(l.live_at_placement);

        // After the snapshot, the stream: a bet on the finished event is a violation again.
        BetRow late;
        late.id = 11;
        h.add(h.src.tx(
            {bet(late), leg(11, 1, 5, "2.5000"), wallet(102, 7, "stake_debit", -1500, "UGX", 11)}));
        h.advance(h.src.offset() + 20);
        const FactBet& g = h.bet(11);
        EXPECT_EQ(g.validation, ValidationStatus::Violation);
        EXPECT_EQ(h.log_count("no_bet_on_finished_event", id_key(11)), 1u);
    }
}

}  // namespace
}  // namespace tote::facts

namespace tote::facts {
namespace {

using namespace test;  // NOLINT

// Debezium's snapshot reads table after table: a bet's ledger rows come long after the bet (more
// log offsets than the watermark). No verdict is final inside the snapshot: the bet is never a
// violation of bet_has_stake_debit on half of the snapshot, and once the stream begins and its
// watermark passes, the bet is Ok with nothing logged.
TEST(FactBuilder, NoWatermarkPassesInsideASnapshot) {
    Harness h(/*watermark=*/5);
    std::vector<ChangeEvent> rows = {leg(10, 1, 5, "2.5000"), bet(BetRow{})};
    for (int64_t p = 20; p < 40; ++p) rows.push_back(player(p, "UG", "UGX"));  // > watermark
    for (auto& c : catalogue()) rows.push_back(c);
    rows.push_back(wallet(100, 7, "stake_debit", -1500, "UGX", 10));
    for (auto& unit : h.src.snapshot(std::move(rows))) h.add(unit);
    EXPECT_TRUE(h.all.log.empty());
    EXPECT_NE(h.bet(10).validation, ValidationStatus::Violation);

    h.add(h.src.tx({player(50, "UG", "UGX")}));  // the stream begins
    h.advance(h.src.offset() + 5);
    EXPECT_EQ(h.bet(10).validation, ValidationStatus::Ok);
    EXPECT_TRUE(h.all.log.empty());
    for (const auto& f : h.all.bets) EXPECT_NE(f.validation, ValidationStatus::Violation);
}

}  // namespace
}  // namespace tote::facts

namespace tote::facts {
namespace {

using namespace test;  // NOLINT

// A snapshot read table after table, each row its own unit at one position: the catalogue,
// bet_legs, bets, other rows (players here), then the ledger; more rows between a bet and its
// debit than the watermark.
std::vector<ChangeEvent> snapshot_with_far_debit(int64_t filler) {
    std::vector<ChangeEvent> rows = catalogue();
    rows.push_back(leg(10, 1, 5, "2.5000"));
    rows.push_back(bet(BetRow{}));
    for (int64_t p = 20; p < 20 + filler; ++p) rows.push_back(player(p, "UG", "UGX"));
    rows.push_back(wallet(100, 7, "stake_debit", -1500, "UGX", 10));
    return rows;
}

// The flake of join_existing_oltp (2 false bet_has_stake_debit flags on snapshot-read bets):
// `tote ingest` was run again and again while Debezium still published the snapshot. A restart
// loads the fact state, and the stage's first advance() comes before any unit of the rest of the
// snapshot is added (FactStage::build_ready advances to the assembler's safe offset after popping
// what is ready: nothing, at the end of a replay that ends where the checkpoint stands, or on an
// empty poll). The builder forgot that it was inside a snapshot (in_snapshot_ was not part of
// its state), so every fact read more than a watermark before that offset was judged on half of
// the snapshot: the bet's debit, read later with the ledger, was not there yet.
TEST(FactBuilder, ARestartInsideASnapshotIsStillInsideIt) {
    constexpr int64_t kWatermark = 5;
    Harness h(kWatermark);
    auto units = h.src.snapshot(snapshot_with_far_debit(3 * kWatermark));
    const CompleteTransaction debit = units.back();  // the ledger: the last table read
    units.pop_back();
    for (auto& unit : units) h.add(unit);
    EXPECT_TRUE(h.all.log.empty());

    // The checkpoint (or the state a replay rebuilt) and the restarted builder.
    StateWriter w;
    h.builder.save_state(w);
    const std::string bytes = w.take();
    Harness r(kWatermark);
    r.src = h.src;
    StateReader in(bytes, "test checkpoint inside a snapshot");
    r.builder.load_state(in);
    in.expect_end();

    r.advance(debit.first_offset);  // before the rest of the snapshot is read
    EXPECT_EQ(r.log_count("bet_has_stake_debit", id_key(10)), 0u);
    for (const auto& f : r.all.bets) EXPECT_NE(f.validation, ValidationStatus::Violation);
    r.add(debit);
    r.add(r.src.tx({player(60, "UG", "UGX")}));  // the stream begins
    r.advance(r.src.offset() + kWatermark);
    EXPECT_EQ(r.bet(10).validation, ValidationStatus::Ok);
    EXPECT_TRUE(r.all.log.empty()) << r.all.log.front().rule << ": " << r.all.log.front().details;
}

// A bet the snapshot read whose debit commits just after the snapshot's consistent point (at an
// operator the wallet service commits apart from the betting service: no transaction spans
// both) arrives as the first streamed change. The snapshot read the bet more than a watermark
// before the stream began; its watermark counts from the stream's first offset, so the debit
// is in time: nothing is flagged. A snapshot bet whose debit never comes is flagged once the
// stream is a watermark past its start, not before.
TEST(FactBuilder, ASnapshotBetGetsAWholeWindowOfStreamForItsLateRows) {
    constexpr int64_t kWatermark = 5;
    Harness h(kWatermark);
    auto rows = snapshot_with_far_debit(3 * kWatermark);
    rows.pop_back();  // the debit is not in the snapshot
    BetRow lonely;    // nor is this bet's, ever
    lonely.id = 11;
    const auto at = rows.end() - 3 * kWatermark;  // after bet 10, before the other rows
    rows.insert(rows.insert(at, bet(lonely)), leg(11, 1, 5, "2.5000"));
    for (auto& unit : h.src.snapshot(std::move(rows))) h.add(unit);

    h.add(h.src.tx({wallet(100, 7, "stake_debit", -1500, "UGX", 10)}));  // the stream begins
    const int64_t stream_from = h.txs.back().first_offset;
    EXPECT_EQ(h.log_count("bet_has_stake_debit", id_key(10)), 0u);
    EXPECT_EQ(h.log_count("bet_has_stake_debit", id_key(11)), 0u);
    h.advance(stream_from + kWatermark - 1);
    EXPECT_EQ(h.bet(11).validation, ValidationStatus::Pending) << "judged before its window ended";
    h.advance(stream_from + kWatermark);
    EXPECT_EQ(h.bet(10).validation, ValidationStatus::Ok);
    EXPECT_EQ(h.log_count("bet_has_stake_debit", id_key(10)), 0u);
    EXPECT_EQ(h.bet(11).validation, ValidationStatus::Violation);
    EXPECT_EQ(h.log_count("bet_has_stake_debit", id_key(11)), 1u);
}

}  // namespace
}  // namespace tote::facts
