// Checkpoints of the DimensionState (issue 13): rows, tombstones, truncate versions and FX rates
// come back exactly, so re-deliveries after a restore are refused as they were before it.
#include <gtest/gtest.h>

#include <string>

#include "core/state_reader.h"
#include "core/state_writer.h"
#include "model/betting_mapping.h"
#include "model/mapping_file.h"
#include "transform/facts/dimension_state.h"
#include "transform/facts/fact_state_fields.h"

namespace tote::facts {
namespace {

using model::EntityKind;

std::string bytes_of(const DimensionState& d) {
    StateWriter w;
    d.save_state(w);
    return w.take();
}

TEST(DimensionStateState, RoundTripKeepsRowsTombstonesAndTruncates) {
    const auto mapping = model::MappingFile::builtin_simulator().mapping();
    DimensionState d(mapping);
    const model::Player ng{7, "NG", "NGN", model::Channel::Web, 5, model::PlayerStatus::Active};
    model::Player ke = ng;
    ke.id = 8;
    ke.country = "KE";
    d.apply(ng, 10);
    d.apply(ke, 20);
    d.apply(model::RowRemoved{EntityKind::Player, "{\"id\":7}"}, 30);  // a tombstone at 30
    d.apply(model::Sport{1, "Football"}, 5);
    d.apply(model::Competition{3, 1, "NPFL", std::string("NG")}, 6);
    d.apply(model::Event{4, 3, "Home", "Away", 99, model::EventStatus::Live, std::nullopt}, 7);
    d.apply(model::Market{5, 4, "1X2", int64_t{-25}, model::MarketStatus::Suspended}, 8);
    d.apply(model::Selection{6, 5, "Home", 18500, model::LegResult::DeadHeat, int64_t{5000}}, 9);
    d.apply(model::FxRate{"UGX", 20758, 2'500'000}, 11);
    d.apply(model::Sport{2, "Tennis"}, 12);
    d.apply(model::RowRemoved{EntityKind::Sport, ""}, 40);  // truncate: sports below 40 refused

    const std::string bytes = bytes_of(d);
    DimensionState r(mapping);
    StateReader in(bytes, "dimension checkpoint");
    r.load_state(in);
    in.expect_end();
    EXPECT_TRUE(bytes_of(r) == bytes);
    EXPECT_EQ(r.size(), d.size());
    ASSERT_NE(r.player(8), nullptr);
    EXPECT_EQ(r.player(8)->row, ke);
    EXPECT_EQ(r.player(7), nullptr);
    ASSERT_NE(r.selection(6), nullptr);
    EXPECT_EQ(r.selection(6)->row, d.selection(6)->row);
    EXPECT_EQ(r.event(4)->row, d.event(4)->row);
    EXPECT_EQ(r.market(5)->row, d.market(5)->row);
    EXPECT_EQ(r.competition(3)->row, d.competition(3)->row);
    ASSERT_NE(r.fx_rate("UGX", 20758), nullptr);
    EXPECT_EQ(r.fx_rate("UGX", 20758)->version, 11u);
    EXPECT_EQ(r.keys(EntityKind::Sport), d.keys(EntityKind::Sport));

    // The same changes after the restore do the same to both.
    for (DimensionState* s : {&d, &r}) {
        EXPECT_EQ(s->apply(ng, 20), std::nullopt);  // older than the tombstone
        EXPECT_EQ(s->apply(model::Sport{2, "Tennis"}, 39), std::nullopt);  // below the truncate
        EXPECT_NE(s->apply(model::Sport{2, "Tennis"}, 41), std::nullopt);
        EXPECT_NE(s->apply(ng, 50), std::nullopt);
    }
    EXPECT_TRUE(bytes_of(r) == bytes_of(d));
}

}  // namespace
}  // namespace tote::facts
