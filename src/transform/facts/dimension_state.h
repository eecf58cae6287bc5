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
// Memory budget. With a ColdState (set_cold_state), evict() moves rows (tombstones included) that
// were not looked up since the previous evict() (a CLOCK: each lookup marks its row) to it, and
// every lookup or change of a row not held reads it back first, so answers are those of a state
// that holds everything. A row read back from before the latest truncate of its entity is gone,
// as the truncate would have removed it; keys() and remove_older() also visit the rows that
// left (FactBuilder::evict_to_budget decides when; docs/architecture.md, "Bounded memory").
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

#include "core/cold_state.h"
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
    // Looked up since the last DimensionState::evict() (not part of a checkpoint).
    bool referenced = false;
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

    // nullptr when not held (a row that left memory is read back first).
    const VersionedRow<model::Player>* player(int64_t id) const {
        return live(held(players_, model::EntityKind::Player, id));
    }
    const VersionedRow<model::Sport>* sport(int64_t id) const {
        return live(held(sports_, model::EntityKind::Sport, id));
    }
    const VersionedRow<model::Competition>* competition(int64_t id) const {
        return live(held(competitions_, model::EntityKind::Competition, id));
    }
    const VersionedRow<model::Event>* event(int64_t id) const {
        return live(held(events_, model::EntityKind::Event, id));
    }
    const VersionedRow<model::Market>* market(int64_t id) const {
        return live(held(markets_, model::EntityKind::Market, id));
    }
    const VersionedRow<model::Selection>* selection(int64_t id) const {
        return live(held(selections_, model::EntityKind::Selection, id));
    }
    // The rate of exactly that UTC day (days since 1970-01-01); nullptr when not held.
    const VersionedRow<model::FxRate>* fx_rate(std::string_view currency, int32_t day) const;

    // Rows held in memory (tombstones not counted), all dimensions together.
    size_t size() const;

    // Where rows go under the memory budget (not owned; nullptr: nothing leaves).
    void set_cold_state(ColdState* cold) { cold_ = cold; }
    // Estimated bytes of the rows held in memory (FX rates not counted: a few per day).
    size_t held_bytes() const { return held_bytes_; }
    // Moves rows not looked up since the previous call to the ColdState (and clears the marks of
    // the others) until held_bytes() <= target_bytes or every row was visited. Returns the rows
    // moved.
    size_t evict(size_t target_bytes);
    uint64_t evicted_rows() const { return evicted_rows_; }
    uint64_t cold_reads() const { return cold_reads_; }

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
    using Rows = std::unordered_map<int64_t, VersionedRow<T>>;
    template <class T>
    static const VersionedRow<T>* live(const VersionedRow<T>* r) {
        return r && !r->deleted ? r : nullptr;
    }
    // The row (or tombstone) of `id`: in memory, or read back from the ColdState (unless from
    // before the entity's latest truncate); nullptr when neither. Marks it looked up.
    template <class T>
    VersionedRow<T>* held(Rows<T>& m, model::EntityKind kind, int64_t id) const;
    // store()/bury() of one id-keyed row, with the byte estimate kept.
    template <class T>
    bool store(Rows<T>& m, model::EntityKind kind, int64_t id, const T& row, uint64_t version);
    template <class T>
    bool erase(Rows<T>& m, model::EntityKind kind, std::optional<int64_t> id, uint64_t version);
    template <class T>
    std::vector<DimKey> bury_older(Rows<T>& m, model::EntityKind kind, uint64_t boundary);
    template <class T>
    void add_keys(const Rows<T>& m, model::EntityKind kind, std::vector<DimKey>& out) const;
    template <class T>
    size_t evict_rows(Rows<T>& m, model::EntityKind kind, size_t target_bytes);
    // Calls f(id, row) for every row of `kind` in the ColdState that is not held in memory and
    // not older than the entity's latest truncate.
    template <class T, class F>
    void for_each_cold(const Rows<T>& m, model::EntityKind kind, F&& f) const;
    std::optional<DimKey> remove(const model::RowRemoved& r, uint64_t version);
    // The version of the latest truncate of `kind` (0: none).
    uint64_t& truncated_at(model::EntityKind kind) {
        return truncated_at_[static_cast<size_t>(kind)];
    }
    uint64_t truncated_at(model::EntityKind kind) const {
        return truncated_at_[static_cast<size_t>(kind)];
    }
    void recount_bytes();

    std::string player_id_, sport_id_, competition_id_, event_id_, market_id_, selection_id_;
    std::string fx_currency_, fx_day_;

    // Mutable: a lookup may read a row back from the ColdState (a cache fill, not a change).
    mutable Rows<model::Player> players_;
    mutable Rows<model::Sport> sports_;
    mutable Rows<model::Competition> competitions_;
    mutable Rows<model::Event> events_;
    mutable Rows<model::Market> markets_;
    mutable Rows<model::Selection> selections_;
    std::map<std::pair<std::string, int32_t>, VersionedRow<model::FxRate>, std::less<>> fx_;
    std::array<uint64_t, 16> truncated_at_{};  // by EntityKind
    ColdState* cold_ = nullptr;
    uint64_t evicted_rows_ = 0;  // checkpointed: > 0 means the ColdState holds rows
    mutable uint64_t cold_reads_ = 0;
    mutable size_t held_bytes_ = 0;
};

}  // namespace tote::facts
