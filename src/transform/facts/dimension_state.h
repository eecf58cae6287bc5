#pragma once
// The dimensions the fact builder looks up, in memory, keyed by id: players, sports,
// competitions, events, markets, selections, and FX rates by (currency, day). Updated from mapped
// model rows in transaction (commit) order; a delete removes one row, a truncate every row of
// the entity. A row never goes back to an older version: a change whose version is below the
// stored one (a re-delivery) is ignored. This holds for deleted rows too: a delete leaves a
// tombstone (the key and the delete's version, no attributes), and a truncate the version below
// which every change of that entity is older than the truncate; so an update re-delivered after
// the delete (with or without a transaction block) cannot bring the row back. At start a loader
// can feed the landed rows (FINAL) through the same apply(), so results do not depend on when
// the process started.
//
// Tombstones stay for the life of the process (about the size of a row without its strings,
// ~60 B each): bounded by the deletes seen, like the rows by the rows seen.
//
// Memory (64-bit, libstdc++ unordered_map: one node = key + value + next pointer + cached hash,
// plus one bucket pointer per element): per row about 48 bytes of node/bucket overhead plus the
// value and its version (8 bytes) plus the heap text of its strings beyond 15 characters:
//   player ~150 B, sport ~90 B, competition ~130 B, event ~170 B (home/away names),
//   market ~130 B, selection ~140 B, fx rate ~110 B (std::map node, key = currency + day).
// So one million catalogue rows (mostly selections and markets) take about 140 MB.
// Not thread-safe.
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/betting_mapping.h"
#include "model/model_record.h"

namespace tote {
class StateReader;
class StateWriter;
}  // namespace tote

namespace tote::facts {

// Names one dimension row: (kind, id) for the id-keyed dimensions; FxRate uses id = the day and
// currency = the currency code.
struct DimKey {
    model::EntityKind kind = model::EntityKind::Player;
    int64_t id = 0;
    std::string currency;
    auto operator<=>(const DimKey&) const = default;
    bool operator==(const DimKey&) const = default;
};

// A dimension row with the version (packed source position) of the change that wrote it.
template <class T>
struct VersionedRow {
    T row{};
    uint64_t version = 0;
    bool deleted = false;  // a tombstone: the row was deleted at `version` (lookups skip it)
};

class DimensionState {
public:
    // The mapping names the key columns, needed to read the row key of a delete.
    explicit DimensionState(const model::BettingMapping& mapping);

    // Applies a dimension row (Player, Sport, Competition, Event, Market, Selection, FxRate) or
    // a RowRemoved of a dimension entity; anything else is ignored. `version` is the packed
    // source position of the change (0 = unknown: always applied). Returns the key of the row
    // that changed, nullopt when nothing changed (not a dimension, an older version, a delete
    // of a row not held, a truncate: the latter reports nothing because no fact waits for a
    // removal).
    std::optional<DimKey> apply(const model::ModelRecord& record, uint64_t version = 0);

    // nullptr when not held.
    const VersionedRow<model::Player>* player(int64_t id) const { return find(players_, id); }
    const VersionedRow<model::Sport>* sport(int64_t id) const { return find(sports_, id); }
    const VersionedRow<model::Competition>* competition(int64_t id) const {
        return find(competitions_, id);
    }
    const VersionedRow<model::Event>* event(int64_t id) const { return find(events_, id); }
    const VersionedRow<model::Market>* market(int64_t id) const { return find(markets_, id); }
    const VersionedRow<model::Selection>* selection(int64_t id) const {
        return find(selections_, id);
    }
    // The rate of exactly that UTC day (days since 1970-01-01); nullptr when not held.
    const VersionedRow<model::FxRate>* fx_rate(std::string_view currency, int32_t day) const;

    // Rows held (tombstones not counted), all dimensions together.
    size_t size() const;

    // The keys of every row held of one dimension entity, sorted (e.g. to report what a
    // truncate removes). Empty for an entity that is not a dimension.
    std::vector<DimKey> keys(model::EntityKind kind) const;

    // A complete snapshot of the entity's table ended at `boundary` (a version of rank
    // SnapshotBoundary, core/source_position.h): every row held with an older version was not
    // read by it (deleted while nothing watched) and becomes a tombstone at `boundary`, and
    // every later change older than it is ignored, as after a truncate. Returns the keys of the
    // rows removed, sorted.
    std::vector<DimKey> remove_older(model::EntityKind kind, uint64_t boundary);

    // Every row and tombstone held, and the truncate versions, for a checkpoint; load_state()
    // into a state made with the same mapping holds exactly the same.
    void save_state(StateWriter& out) const;
    void load_state(StateReader& in);

private:
    template <class T>
    static const VersionedRow<T>* find(const std::unordered_map<int64_t, VersionedRow<T>>& m,
                                       int64_t id) {
        auto it = m.find(id);
        return it == m.end() || it->second.deleted ? nullptr : &it->second;
    }
    std::optional<DimKey> remove(const model::RowRemoved& r, uint64_t version);
    // The version of the latest truncate of `kind` (0: none).
    uint64_t& truncated_at(model::EntityKind kind) {
        return truncated_at_[static_cast<size_t>(kind)];
    }

    std::string player_id_, sport_id_, competition_id_, event_id_, market_id_, selection_id_;
    std::string fx_currency_, fx_day_;

    std::unordered_map<int64_t, VersionedRow<model::Player>> players_;
    std::unordered_map<int64_t, VersionedRow<model::Sport>> sports_;
    std::unordered_map<int64_t, VersionedRow<model::Competition>> competitions_;
    std::unordered_map<int64_t, VersionedRow<model::Event>> events_;
    std::unordered_map<int64_t, VersionedRow<model::Market>> markets_;
    std::unordered_map<int64_t, VersionedRow<model::Selection>> selections_;
    std::map<std::pair<std::string, int32_t>, VersionedRow<model::FxRate>, std::less<>> fx_;
    std::array<uint64_t, 16> truncated_at_{};  // by EntityKind
};

}  // namespace tote::facts
