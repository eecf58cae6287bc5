// DimensionState, FxConversion and KeyText: the small pieces under the FactBuilder.
#include "transform/facts/dimension_state.h"

#include <gtest/gtest.h>

#include "core/source_position.h"
#include "model/betting_mapping.h"
#include "model/mapping_file.h"
#include "transform/facts/fx_conversion.h"
#include "transform/facts/key_text.h"
#include "transform/facts/memory_cold_state.h"

namespace tote::facts {
namespace {

using model::EntityKind;
using tote::make_version;
using tote::VersionRank;

// An active NGN web player.
model::Player player(int64_t id, std::string country) {
    return model::Player{id, std::move(country),         "NGN", model::Channel::Web,
                         0,  model::PlayerStatus::Active};
}

TEST(KeyText, ReadsIntegersAndText) {
    EXPECT_EQ(KeyText::integer("{\"bet_id\":5,\"leg_no\":12}", "leg_no"), 12);
    EXPECT_EQ(KeyText::integer("{\"bet_id\":5,\"leg_no\":12}", "bet_id"), 5);
    EXPECT_EQ(KeyText::integer("{\"id\":-3}", "id"), -3);
    EXPECT_EQ(KeyText::integer("{\"id\":\"7\"}", "id"), 7);
    EXPECT_EQ(KeyText::integer("{\"id\":5}", "bet_id"), std::nullopt);
    EXPECT_EQ(KeyText::integer("{\"id\":\"x\"}", "id"), std::nullopt);
    EXPECT_EQ(KeyText::text("{\"currency\":\"NGN\",\"day\":20758}", "currency"), "NGN");
    EXPECT_EQ(KeyText::text("{\"currency\":\"NGN\",\"day\":20758}", "day"), "20758");
}

TEST(FxConversion, RoundsHalfEvenWithTheCurrencyExponent) {
    // UGX (exponent 0) at 0.00025 EUR: minor x rate_e10 / 10^8.
    EXPECT_EQ(FxConversion::to_eur_cents(1500, 2'500'000, "UGX"), 38);  // 37.5 -> 38
    EXPECT_EQ(FxConversion::to_eur_cents(2500, 2'500'000, "UGX"), 62);  // 62.5 -> 62
    EXPECT_EQ(FxConversion::to_eur_cents(2501, 2'500'000, "UGX"), 63);  // 62.525 -> 63
    EXPECT_EQ(FxConversion::to_eur_cents(-1500, 2'500'000, "UGX"), -38);
    EXPECT_EQ(FxConversion::to_eur_cents(-2500, 2'500'000, "UGX"), -62);
    EXPECT_EQ(FxConversion::to_eur_cents(-2499, 2'500'000, "UGX"), -62);  // -62.475
    // NGN (exponent 2) at 0.0006 EUR: minor x rate_e10 / 10^10.
    EXPECT_EQ(FxConversion::to_eur_cents(1000, 6'000'000, "NGN"), 1);  // 0.6 -> 1
    EXPECT_EQ(FxConversion::to_eur_cents(1999, 6'000'000, "NGN"), 1);  // 1.1994 -> 1
    // EUR at 1: identity.
    EXPECT_EQ(FxConversion::to_eur_cents(12345, 10'000'000'000, "EUR"), 12345);
    EXPECT_EQ(FxConversion::to_eur_cents(0, 6'000'000, "NGN"), 0);
    // A big amount does not overflow (128-bit product).
    EXPECT_EQ(FxConversion::to_eur_cents(int64_t{4'000'000'000'000'000}, 2'500'000, "UGX"),
              int64_t{100'000'000'000'000});
    EXPECT_EQ(FxConversion::to_eur_cents(1000, 6'000'000, "XYZ"), std::nullopt);
}

TEST(FxConversion, DayOfFloorsToTheUtcDay) {
    EXPECT_EQ(FxConversion::day_of(int64_t{1'793'534'400} * 1'000'000), 20758);
    EXPECT_EQ(FxConversion::day_of(int64_t{20759} * 86'400'000'000 - 1), 20758);
    EXPECT_EQ(FxConversion::day_of(-1), -1);
    EXPECT_EQ(FxConversion::day_of(0), 0);
}

TEST(DimensionState, KeepsTheLatestVersionAndRemovesByKey) {
    DimensionState d(model::MappingFile::builtin_simulator().mapping());
    model::Selection s;
    s.id = 5;
    s.market_id = 4;
    s.odds_e4 = 25000;
    EXPECT_EQ(d.apply(s, 100), (DimKey{EntityKind::Selection, 5, {}}));
    s.odds_e4 = 30000;
    EXPECT_EQ(d.apply(s, 90), std::nullopt);  // older: a re-delivery
    ASSERT_NE(d.selection(5), nullptr);
    EXPECT_EQ(d.selection(5)->row.odds_e4, 25000);
    EXPECT_EQ(d.apply(s, 110), (DimKey{EntityKind::Selection, 5, {}}));
    EXPECT_EQ(d.selection(5)->row.odds_e4, 30000);
    EXPECT_EQ(d.selection(5)->version, 110u);

    EXPECT_EQ(d.apply(model::RowRemoved{EntityKind::Selection, "{\"id\":5}"}, 105),
              std::nullopt);  // older than the row held
    EXPECT_EQ(d.apply(model::RowRemoved{EntityKind::Selection, "{\"id\":5}"}, 120),
              (DimKey{EntityKind::Selection, 5, {}}));
    EXPECT_EQ(d.selection(5), nullptr);

    // Not a dimension: ignored.
    EXPECT_EQ(d.apply(model::Bet{}, 1), std::nullopt);
    EXPECT_EQ(d.apply(model::NotModelTable{"odds_staging"}, 1), std::nullopt);
}

TEST(DimensionState, FxRatesByCurrencyAndDay) {
    DimensionState d(model::MappingFile::builtin_simulator().mapping());
    EXPECT_EQ(d.apply(model::FxRate{"NGN", 20758, 6'000'000}, 7),
              (DimKey{EntityKind::FxRate, 20758, "NGN"}));
    d.apply(model::FxRate{"NGN", 20759, 6'100'000}, 8);
    ASSERT_NE(d.fx_rate("NGN", 20758), nullptr);
    EXPECT_EQ(d.fx_rate("NGN", 20758)->row.rate_e10, 6'000'000);
    EXPECT_EQ(d.fx_rate("NGN", 20759)->row.rate_e10, 6'100'000);
    EXPECT_EQ(d.fx_rate("NGN", 20760), nullptr);
    EXPECT_EQ(d.fx_rate("KES", 20758), nullptr);
    EXPECT_EQ(
        d.apply(model::RowRemoved{EntityKind::FxRate, "{\"currency\":\"NGN\",\"day\":20758}"}, 9),
        (DimKey{EntityKind::FxRate, 20758, "NGN"}));
    EXPECT_EQ(d.fx_rate("NGN", 20758), nullptr);
    EXPECT_EQ(d.size(), 1u);
}

TEST(DimensionState, TruncateClearsTheEntity) {
    DimensionState d(model::MappingFile::builtin_simulator().mapping());
    d.apply(model::Player{7, "NG", "NGN", model::Channel::Web, 0, model::PlayerStatus::Active}, 1);
    d.apply(model::Player{8, "KE", "KES", model::Channel::App, 0, model::PlayerStatus::Active}, 2);
    d.apply(model::Sport{1, "Football"}, 3);
    EXPECT_EQ(d.size(), 3u);
    EXPECT_EQ(d.apply(model::RowRemoved{EntityKind::Player, ""}, 4), std::nullopt);
    EXPECT_EQ(d.player(7), nullptr);
    EXPECT_EQ(d.player(8), nullptr);
    ASSERT_NE(d.sport(1), nullptr);
    EXPECT_EQ(d.sport(1)->row.name, "Football");
}

// issue 12, point 3: a complete re-snapshot at S reads players 7 and 9 (at S, rank
// SnapshotRead); player 8, not read, was deleted while nothing watched. Player 10, created by
// a transaction committed after S, stays.
TEST(DimensionState, ACompleteSnapshotRemovesTheRowsItDidNotRead) {
    DimensionState d(model::MappingFile::builtin_simulator().mapping());
    const uint64_t s = 8000;
    d.apply(player(7, "NG"), make_version(1000, VersionRank::Change));
    d.apply(player(8, "NG"), make_version(1100, VersionRank::Change));
    d.apply(player(9, "NG"), make_version(1200, VersionRank::Change));
    d.apply(player(10, "KE"), make_version(s + 800, VersionRank::Change));
    d.apply(model::Sport{1, "Football"}, make_version(1300, VersionRank::Change));
    d.apply(player(7, "GH"), make_version(s, VersionRank::SnapshotRead));
    d.apply(player(9, "NG"), make_version(s, VersionRank::SnapshotRead));
    EXPECT_EQ(d.remove_older(EntityKind::Player, make_version(s, VersionRank::SnapshotBoundary)),
              (std::vector<DimKey>{{EntityKind::Player, 8, {}}}));
    EXPECT_EQ(d.player(8), nullptr);
    ASSERT_NE(d.player(7), nullptr);
    EXPECT_EQ(d.player(7)->row.country, "GH");  // the re-snapshot corrected it
    EXPECT_NE(d.player(9), nullptr);
    EXPECT_NE(d.player(10), nullptr);
    EXPECT_NE(d.sport(1), nullptr);  // another entity: untouched
    // A re-delivery of an older change cannot bring player 8 back, nor add an unseen one.
    EXPECT_EQ(d.apply(player(8, "NG"), make_version(1100, VersionRank::Change)), std::nullopt);
    EXPECT_EQ(d.apply(player(11, "NG"), make_version(1400, VersionRank::Change)), std::nullopt);
    // A second boundary at the same position removes nothing more.
    EXPECT_TRUE(
        d.remove_older(EntityKind::Player, make_version(s, VersionRank::SnapshotBoundary)).empty());
}

// issue 12, case 4: a deleted row keeps its delete's version (a tombstone), a truncate the
// version below which its entity's changes are older; a change re-delivered after either does
// not bring the row back, a newer one does.
TEST(DimensionState, DeletesAndTruncatesKeepTheirVersions) {
    DimensionState d(model::MappingFile::builtin_simulator().mapping());
    const model::Player ng{7, "NG", "NGN", model::Channel::Web, 0, model::PlayerStatus::Active};
    model::Player ke = ng;
    ke.country = "KE";
    d.apply(ng, 10);
    d.apply(ke, 20);
    EXPECT_EQ(d.apply(model::RowRemoved{EntityKind::Player, "{\"id\":7}"}, 30),
              (DimKey{EntityKind::Player, 7, {}}));
    EXPECT_EQ(d.apply(ke, 20), std::nullopt);  // re-delivered: older than the delete
    EXPECT_EQ(d.player(7), nullptr);
    EXPECT_EQ(d.apply(model::RowRemoved{EntityKind::Player, "{\"id\":7}"}, 30), std::nullopt);
    EXPECT_EQ(d.size(), 0u);
    EXPECT_TRUE(d.keys(EntityKind::Player).empty());
    EXPECT_EQ(d.apply(ke, 40), (DimKey{EntityKind::Player, 7, {}}));  // re-created later
    ASSERT_NE(d.player(7), nullptr);
    EXPECT_EQ(d.player(7)->row.country, "KE");

    // A delete of a row never held: nothing to report, but an older create stays out.
    EXPECT_EQ(d.apply(model::RowRemoved{EntityKind::Player, "{\"id\":8}"}, 50), std::nullopt);
    model::Player p8 = ng;
    p8.id = 8;
    EXPECT_EQ(d.apply(p8, 45), std::nullopt);
    EXPECT_EQ(d.player(8), nullptr);

    // FX rates likewise.
    d.apply(model::FxRate{"NGN", 20758, 6'000'000}, 10);
    d.apply(model::RowRemoved{EntityKind::FxRate, "{\"currency\":\"NGN\",\"day\":20758}"}, 30);
    EXPECT_EQ(d.apply(model::FxRate{"NGN", 20758, 6'000'000}, 10), std::nullopt);
    EXPECT_EQ(d.fx_rate("NGN", 20758), nullptr);

    // A truncate: every older change of the entity is ignored; a newer one is taken.
    d.apply(model::Sport{1, "Football"}, 60);
    d.apply(model::RowRemoved{EntityKind::Sport, ""}, 70);
    EXPECT_EQ(d.apply(model::Sport{1, "Football"}, 60), std::nullopt);
    EXPECT_EQ(d.apply(model::Sport{2, "Golf"}, 65), std::nullopt);
    EXPECT_EQ(d.sport(1), nullptr);
    EXPECT_EQ(d.apply(model::Sport{2, "Golf"}, 80), (DimKey{EntityKind::Sport, 2, {}}));
    EXPECT_EQ(d.size(), 2u);  // player 7, sport 2
}

}  // namespace
}  // namespace tote::facts

namespace tote::facts {
namespace {

// Bounded memory (issue 13, point 3): rows and tombstones that left memory for the ColdState
// answer lookups, block older re-deliveries, are listed by keys() (what a truncate reports),
// are removed by a truncate and by the boundary of a complete snapshot, exactly as if held.
TEST(DimensionState, RowsThatLeftMemoryAnswerAsIfHeld) {
    MemoryColdState cold;
    DimensionState d(model::MappingFile::builtin_simulator().mapping());
    d.set_cold_state(&cold);
    auto evict_all = [&] {
        d.evict(0);  // clears the lookup marks
        d.evict(0);  // moves everything
        EXPECT_EQ(d.held_bytes(), 0u);
    };
    const uint64_t s = 8000;
    d.apply(player(7, "NG"), make_version(1000, VersionRank::Change));
    d.apply(player(8, "NG"), make_version(1100, VersionRank::Change));
    d.apply(player(9, "NG"), make_version(1200, VersionRank::Change));
    d.apply(model::RowRemoved{EntityKind::Player, "{\"id\":12}"},
            make_version(1250, VersionRank::Change));
    d.apply(model::Sport{1, "Football"}, make_version(1300, VersionRank::Change));
    evict_all();
    EXPECT_GT(d.evicted_rows(), 0u);

    ASSERT_NE(d.player(7), nullptr);  // read back
    EXPECT_EQ(d.player(7)->row.country, "NG");
    EXPECT_EQ(d.keys(EntityKind::Player), (std::vector<DimKey>{{EntityKind::Player, 7, {}},
                                                               {EntityKind::Player, 8, {}},
                                                               {EntityKind::Player, 9, {}}}));
    evict_all();
    // The tombstone of 12 left memory too: an older create stays out, a newer one is taken.
    EXPECT_EQ(d.apply(player(12, "KE"), make_version(1240, VersionRank::Change)), std::nullopt);
    // An older re-delivery of 9 is ignored; a newer change is taken.
    EXPECT_EQ(d.apply(player(9, "KE"), make_version(1150, VersionRank::Change)), std::nullopt);
    EXPECT_EQ(d.apply(player(9, "GH"), make_version(1500, VersionRank::Change)),
              (DimKey{EntityKind::Player, 9, {}}));
    evict_all();

    // A complete snapshot reads 7 and 9; 8 (in the cold store) was not read: removed.
    d.apply(player(7, "GH"), make_version(s, VersionRank::SnapshotRead));
    d.apply(player(9, "GH"), make_version(s, VersionRank::SnapshotRead));
    evict_all();
    EXPECT_EQ(d.remove_older(EntityKind::Player, make_version(s, VersionRank::SnapshotBoundary)),
              (std::vector<DimKey>{{EntityKind::Player, 8, {}}}));
    evict_all();
    EXPECT_EQ(d.player(8), nullptr);
    EXPECT_EQ(d.apply(player(8, "NG"), make_version(1100, VersionRank::Change)), std::nullopt);
    ASSERT_NE(d.player(7), nullptr);
    EXPECT_EQ(d.player(7)->row.country, "GH");

    // A truncate of sports while sport 1 is in the cold store: listed, then gone.
    evict_all();
    EXPECT_EQ(d.keys(EntityKind::Sport), (std::vector<DimKey>{{EntityKind::Sport, 1, {}}}));
    d.apply(model::RowRemoved{EntityKind::Sport, ""}, make_version(s + 100, VersionRank::Change));
    EXPECT_EQ(d.sport(1), nullptr);
    EXPECT_TRUE(d.keys(EntityKind::Sport).empty());
    EXPECT_EQ(d.apply(model::Sport{1, "Football"}, make_version(1300, VersionRank::Change)),
              std::nullopt);
    EXPECT_EQ(d.apply(model::Sport{2, "Golf"}, make_version(s + 200, VersionRank::Change)),
              (DimKey{EntityKind::Sport, 2, {}}));
    EXPECT_GT(d.cold_reads(), 0u);
}

}  // namespace
}  // namespace tote::facts
