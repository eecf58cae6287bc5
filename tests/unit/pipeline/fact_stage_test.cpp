// The fact stage keeps, per fact, only what its KPI rows are made of (KpiBetBase,
// KpiWalletBase) and rebuilds the fact from that to write the retraction. These tests pin that
// the rebuilt fact gives exactly the KPI rows of the original, field by field: a field that
// kpi_contributions() reads but the base forgets would retract the wrong rows.
#include <gtest/gtest.h>

#include "../facts/fact_stream.h"
#include "../sink/fake_connection.h"
#include "model/mapping_file.h"
#include "pipeline/fact_stage.h"
#include "transform/facts/kpi_contributions.h"

namespace tote {
namespace {

constexpr int64_t kPlaced = 1793491200000000;  // 2026-11-01T00:00:00Z in µs

facts::FactBet settled_bet() {
    facts::FactBet b;
    b.bet_id = 42;
    b.version = 1000;
    b.log_offset = 7;
    b.player_id = 5;
    b.player_country = "NG";
    b.player_channel = "app";
    b.currency = "NGN";
    b.wallet_currency = "NGN";
    b.channel = "ussd";
    b.bet_type = "accumulator";
    b.status = "won";
    b.stake_minor = 10000;
    b.potential_payout_minor = 25000;
    b.payout_minor = 25000;
    b.stake_eur_cents = 600;
    b.payout_eur_cents = 1500;
    b.potential_payout_eur_cents = 1500;
    b.fx_rate_e10 = 6000000;
    b.total_odds_e4 = 25000;
    b.legs = 2;
    b.sports = {"Football", "Tennis"};
    b.competitions = {"NPFL", "ATP"};
    b.placed_at_us = kPlaced + 3600000000;
    b.settled_at_us = kPlaced + 3 * 3600000000;
    b.ggr_minor = -15000;
    return b;
}

facts::FactWalletTransaction deposit() {
    facts::FactWalletTransaction w;
    w.id = 9;
    w.version = 900;
    w.player_id = 5;
    w.type = "deposit";
    w.status = "completed";
    w.currency = "KES";
    w.amount_minor = 50000;
    w.amount_eur_cents = 350;
    w.player_country = "KE";
    w.created_at_us = kPlaced + 7200000000;
    return w;
}

TEST(KpiBetBase, RebuiltFactGivesTheSameKpiRows) {
    for (const char* status : {"open", "won", "lost", "void", "cashed_out"}) {
        facts::FactBet b = settled_bet();
        b.status = status;
        auto rebuilt = KpiBetBase::of(b).to_fact(b.bet_id);
        auto want = kpi_contributions(nullptr, b);
        ASSERT_FALSE(want.empty() && std::string(status) != "void") << status;
        EXPECT_EQ(kpi_contributions(nullptr, rebuilt), want) << status;
        EXPECT_TRUE(KpiBetBase::of(b).same_inputs(b)) << status;
    }
}

TEST(KpiBetBase, EveryKpiInputCountsAsAChange) {
    const facts::FactBet base = settled_bet();
    const KpiBetBase kept = KpiBetBase::of(base);
    std::vector<std::pair<const char*, void (*)(facts::FactBet&)>> edits = {
        {"player_id", [](facts::FactBet& b) { b.player_id += 1; }},
        {"player_country", [](facts::FactBet& b) { b.player_country = "GH"; }},
        {"currency", [](facts::FactBet& b) { b.currency = "GHS"; }},
        {"channel", [](facts::FactBet& b) { b.channel = "web"; }},
        {"sports",
         [](facts::FactBet& b) {
             b.sports = {"Football", "Football"};
         }},
        {"status", [](facts::FactBet& b) { b.status = "open"; }},
        {"stake", [](facts::FactBet& b) { b.stake_minor += 1; }},
        {"payout", [](facts::FactBet& b) { b.payout_minor += 1; }},
        {"ggr", [](facts::FactBet& b) { b.ggr_minor += 1; }},
        {"stake_eur", [](facts::FactBet& b) { b.stake_eur_cents += 1; }},
        {"payout_eur", [](facts::FactBet& b) { b.payout_eur_cents += 1; }},
        {"settled_at", [](facts::FactBet& b) { b.settled_at_us += 3600000000; }},
    };
    for (const auto& [name, edit] : edits) {
        facts::FactBet changed = base;
        edit(changed);
        ASSERT_NE(kpi_contributions(nullptr, changed), kpi_contributions(nullptr, base)) << name;
        EXPECT_FALSE(kept.same_inputs(changed)) << name;
    }
}

TEST(KpiWalletBase, RebuiltFactGivesTheSameKpiRows) {
    for (const char* type :
         {"deposit", "withdrawal", "stake_debit", "payout_credit", "refund", "adjustment"}) {
        facts::FactWalletTransaction w = deposit();
        w.type = type;
        auto rebuilt = KpiWalletBase::of(w).to_fact(w.id);
        auto want = kpi_contributions(nullptr, w);
        ASSERT_FALSE(want.empty()) << type;
        EXPECT_EQ(kpi_contributions(nullptr, rebuilt), want) << type;
    }
    facts::FactWalletTransaction other = deposit();
    other.player_id = 6;
    EXPECT_FALSE(KpiWalletBase::of(deposit()).same_inputs(other));
}

// Snapshot reads (no transaction block) numbered like a stream: each is a unit of its own.
class SnapshotFeed {
public:
    explicit SnapshotFeed(FactStage& stage) : stage_(stage) {}
    void add(ChangeEvent c) {
        c.source.lsn = 0x5000;
        c.source.snapshot = true;
        c.source.commit_ts_ms = 1'793'534'400'000;
        c.version = pack_version(c.source);
        stage_.add(DecodeResult{std::move(c)}, Offset{offset_++});
    }

private:
    FactStage& stage_;
    int64_t offset_ = 0;
};

std::vector<std::string> inserted_tables(const std::vector<EncodedInsert>& inserts) {
    std::vector<std::string> out;
    for (const auto& i : inserts) out.push_back(i.table);
    return out;
}

// issue 12, case 2: one date outside what the warehouse can hold (a bet placed in 1969, an FX
// rate dated after 2149) is a problem of that record: it goes to the ETL log with a reason and
// the records around it are built; nothing throws.
TEST(FactStage, DatesOutsideTheWarehouseRangeAreLoggedNotFatal) {
    using namespace facts::test;
    FakeConnection conn;
    FactStageConfig config;
    config.builder.watermark_offsets = 0;
    FactStage stage(model::MappingFile::builtin_simulator().mapping(), config, conn, "tote");
    SnapshotFeed feed(stage);
    feed.add(player(7, "UG", "UGX"));
    feed.add(fx("UGX", kDay, "0.0002500000"));
    feed.add(fx("UGX", 65600, "0.0002500000"));  // 2149-08-10: after ClickHouse Date's range
    BetRow old;
    old.id = 11;
    old.placed_at = "1969-12-31T23:59:59.000000Z";
    feed.add(bet(old));
    BetRow late_settled;
    late_settled.id = 12;
    late_settled.status = "lost";
    late_settled.payout = 0;
    late_settled.settled_at = "2106-02-07T06:28:16.000000Z";  // past DateTime's last second
    feed.add(bet(late_settled));
    feed.add(bet(BetRow{}));  // bet 10: fine
    std::vector<EncodedInsert> out;
    ASSERT_NO_THROW(stage.collect(out));
    EXPECT_EQ(stage.stats().bet_versions, 1u);
    // Three mapping errors; the rest are rule violations of bet 10 (it has no legs, no debit).
    EXPECT_EQ(stage.stats().etl_log_entries - stage.stats().violations_logged, 3u);
    const facts::FactBuilderStats& b = stage.builder().stats();
    EXPECT_EQ(b.mapping_errors, 3u);
    std::string log_rows;
    for (const auto& i : out)
        if (i.table == "`tote`.`etl_log`") log_rows = i.rows;
    EXPECT_NE(log_rows.find("day 65600 is outside the range the warehouse can hold"),
              std::string::npos)
        << log_rows;
    EXPECT_NE(log_rows.find("1969-12-31T23:59:59.000000Z is outside the range the warehouse "
                            "can hold"),
              std::string::npos)
        << log_rows;
    EXPECT_NE(log_rows.find("2106-02-07T06:28:16.000000Z is outside"), std::string::npos)
        << log_rows;
    EXPECT_EQ(inserted_tables(out),
              (std::vector<std::string>{"`tote`.`kpi_hourly_contrib`", "`tote`.`dim_player`",
                                        "`tote`.`dim_fx_rate`", "`tote`.`fact_bet`",
                                        "`tote`.`etl_log`"}));
}

}  // namespace
}  // namespace tote
