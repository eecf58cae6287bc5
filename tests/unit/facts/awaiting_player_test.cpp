// A bet that takes its player's currency (mappings/real_debezium.yaml: currency {from: player})
// and arrives before its player is held, not a mapping error: it is applied when the player
// arrives; if the watermark passes first, bet_player_known logs it once and it stays held; a
// checkpoint keeps what is held.
#include <gtest/gtest.h>

#include "core/state_reader.h"
#include "core/state_writer.h"
#include "fact_stream.h"
#include "model/mapping_file.h"
#include "transform/facts/fact_builder.h"
#include "transform/facts/fact_state_fields.h"

namespace tote::facts {
namespace {

using namespace test;  // NOLINT

model::BettingMapping real_mapping() {
    return model::MappingFile::load(std::string(TOTE_SOURCE_DIR) + "/mappings/real_debezium.yaml")
        .mapping();
}

ChangeEvent real_player(int64_t id, std::string currency) {
    return row("players", id_key(id),
               {col("id", num(id)), col("country", text("GB")), col("currency", text(currency)),
                col("created_at", text("2026-05-01T08:00:00.000000Z"))});
}

ChangeEvent real_bet(int64_t id, int64_t player_id) {
    return row("bets", id_key(id),
               {col("id", num(id)), col("player_id", num(player_id)),
                col("stake", Value{Decimal{1250, 2}}), col("total_odds", Value{Decimal{25000, 4}}),
                col("status", text("open")), col("payout", Value{NullValue{}}),
                col("placed_at", text("2026-05-01T08:01:00.000000Z")),
                col("settled_at", Value{NullValue{}}), col("note", text("n"))});
}

ChangeEvent real_leg(int64_t bet_id) {
    return row("bet_legs", "{\"bet_id\":" + std::to_string(bet_id) + ",\"leg_no\":1}",
               {col("bet_id", num(bet_id)), col("leg_no", num(1)), col("selection_id", num(40)),
                col("odds", Value{Decimal{25000, 4}})});
}

struct Stream {
    explicit Stream(int64_t watermark) : builder(real_mapping(), FactBuilderConfig{watermark}) {}
    void add(std::vector<ChangeEvent> changes) { builder.add(src.tx(std::move(changes)), all); }
    void advance(int64_t offset) { builder.advance(offset, all); }
    size_t log_count(const std::string& rule) const {
        size_t n = 0;
        for (const auto& e : all.log) n += e.rule == rule;
        return n;
    }
    Source src;
    FactBuilder builder;
    FactBatch all;
};

TEST(AwaitingPlayer, ABetBeforeItsPlayerIsHeldAndBuiltWhenThePlayerArrives) {
    Stream r(1000);
    r.add({real_bet(8, 5), real_leg(8)});
    EXPECT_TRUE(r.all.bets.empty());
    EXPECT_EQ(r.log_count("mapping_error"), 0u);
    EXPECT_EQ(r.builder.changes_awaiting_player(), 1u);
    r.add({real_player(5, "GBP")});
    ASSERT_EQ(r.all.bets.size(), 1u);
    EXPECT_EQ(r.all.bets[0].bet_id, 8);
    EXPECT_EQ(r.all.bets[0].currency, "GBP");
    EXPECT_EQ(r.all.bets[0].stake_minor, 1250);
    EXPECT_EQ(r.all.bets[0].player_country, "GB");
    EXPECT_EQ(r.builder.changes_awaiting_player(), 0u);
    r.advance(r.src.offset() + 5000);
    EXPECT_EQ(r.log_count("bet_player_known"), 0u);
    EXPECT_EQ(r.log_count("mapping_error"), 0u);
    EXPECT_EQ(r.builder.stats().awaiting_player, 1u);
}

TEST(AwaitingPlayer, APlayerThatNeverArrivesIsLoggedOnceAndTheBetStillWaits) {
    Stream r(100);
    r.add({real_bet(8, 5), real_leg(8)});
    r.add({real_bet(8, 5)});  // an update of the same bet: held too, in order
    r.advance(r.src.offset() + 100);
    r.advance(r.src.offset() + 500);
    ASSERT_EQ(r.log_count("bet_player_known"), 2u);  // each held change once
    const auto& e = r.all.log[0];
    EXPECT_EQ(e.severity, "error");
    EXPECT_EQ(e.entity, "bet");
    EXPECT_EQ(e.entity_key, "{\"id\":8}");
    EXPECT_EQ(e.details,
              "bet {\"id\":8} names player 5, who has not arrived within the watermark (100 log "
              "records): the bet takes its player's currency (mapping: currency from player), so "
              "its fact waits for the player and is built if it arrives");
    EXPECT_TRUE(r.all.bets.empty());
    r.add({real_player(5, "EUR")});
    ASSERT_FALSE(r.all.bets.empty());
    EXPECT_EQ(r.all.bets.back().currency, "EUR");
    EXPECT_EQ(r.log_count("bet_player_known"), 2u);
    EXPECT_EQ(r.builder.changes_awaiting_player(), 0u);
}

TEST(AwaitingPlayer, ACheckpointKeepsTheHeldChanges) {
    Stream original(100);
    original.add({real_bet(8, 5), real_leg(8)});
    original.add({real_bet(9, 6)});
    original.advance(original.src.offset() + 100);  // bet 9's change... both logged
    StateWriter w;
    original.builder.save_state(w);
    const std::string bytes = w.take();
    FactBuilder restored(real_mapping(), FactBuilderConfig{100});
    StateReader in(bytes, "test checkpoint");
    restored.load_state(in);
    EXPECT_EQ(restored.changes_awaiting_player(), 2u);
    FactBatch a, b;
    auto tx = original.src.tx({real_player(5, "GBP"), real_player(6, "KES")});
    original.builder.add(tx, a);
    restored.add(tx, b);
    EXPECT_EQ(a.bets, b.bets);
    EXPECT_EQ(a.legs, b.legs);
    EXPECT_EQ(a.log, b.log);
    ASSERT_EQ(a.bets.size(), 2u);
    EXPECT_EQ(restored.changes_awaiting_player(), 0u);
}

}  // namespace
}  // namespace tote::facts
