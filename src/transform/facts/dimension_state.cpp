#include "transform/facts/dimension_state.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "core/state_reader.h"
#include "core/state_writer.h"
#include "model/time_text.h"
#include "transform/facts/fact_state_fields.h"
#include "transform/facts/key_text.h"

namespace tote::facts {

using model::EntityKind;

namespace {

// Stores `row` unless a newer version (or tombstone) is held or a newer truncate passed.
// True when stored.
template <class T>
bool store_row(VersionedRow<T>& held, bool inserted, const T& row, uint64_t version,
               uint64_t truncated_at) {
    if (version != 0 && (version < truncated_at || (!inserted && version < held.version)))
        return false;
    held.row = row;
    held.version = version;
    held.deleted = false;
    return true;
}

// Turns the row into a tombstone at `version`. True when a live row was held (it changed);
// a delete of a row not held leaves a tombstone too, so an older change cannot create it.
template <class T>
bool bury(VersionedRow<T>& held, bool inserted, uint64_t version) {
    if (!inserted && version != 0 && version < held.version) return false;
    const bool was_live = !inserted && !held.deleted;
    held.row = T{};
    held.version = version;
    held.deleted = true;
    return was_live;
}

template <class Map>
size_t live_rows(const Map& m) {
    size_t n = 0;
    for (const auto& [k, row] : m) n += row.deleted ? 0 : 1;
    return n;
}

// The ColdState key of a dimension row: 'd', the entity, the id big-endian.
std::string dim_key(EntityKind kind, int64_t id) {
    std::string k(10, '\0');
    k[0] = 'd';
    k[1] = static_cast<char>(kind);
    const auto u = static_cast<uint64_t>(id);
    for (int i = 0; i < 8; ++i)
        k[static_cast<size_t>(2 + i)] = static_cast<char>(u >> (56 - 8 * i));
    return k;
}

int64_t id_of_key(std::string_view key) {
    uint64_t u = 0;
    for (size_t i = 2; i < 10 && i < key.size(); ++i)
        u = (u << 8) | static_cast<unsigned char>(key[i]);
    return static_cast<int64_t>(u);
}

// Heap bytes of the strings of a row (beyond the small-string buffer), through its
// state_fields.
struct HeapBytes {
    size_t n = 0;
    template <class... Ts>
    void operator()(Ts&... v) {
        (add(v), ...);
    }
    void add(std::string& s) { n += s.capacity() > 15 ? s.capacity() + 1 : 0; }
    template <class T>
    void add(std::optional<T>& o) {
        if (o) add(*o);
    }
    template <class T>
    void add(T&) {}
};

template <class T>
size_t row_bytes(const VersionedRow<T>& r) {
    HeapBytes h;
    state_fields(h, const_cast<T&>(r.row));
    return sizeof(std::pair<const int64_t, VersionedRow<T>>) + 32 + h.n;
}

}  // namespace

template <class T>
VersionedRow<T>* DimensionState::held(Rows<T>& m, EntityKind kind, int64_t id) const {
    if (auto it = m.find(id); it != m.end()) {
        it->second.referenced = true;
        return &it->second;
    }
    if (!cold_ || evicted_rows_ == 0) return nullptr;
    std::string bytes;
    if (!cold_->get(dim_key(kind, id), bytes)) return nullptr;
    VersionedRow<T> r;
    StateReader in(bytes, "dimension row " + std::to_string(id) + " in the cold state store");
    in(r);
    in.expect_end();
    ++cold_reads_;
    if (r.version < truncated_at(kind)) return nullptr;  // a truncate removed it
    r.referenced = true;
    auto& placed = m.emplace(id, std::move(r)).first->second;
    held_bytes_ += row_bytes(placed);
    return &placed;
}

template <class T>
bool DimensionState::store(Rows<T>& m, EntityKind kind, int64_t id, const T& row,
                           uint64_t version) {
    const uint64_t truncated = truncated_at(kind);
    if (version != 0 && version < truncated) return false;
    if (VersionedRow<T>* h = held(m, kind, id)) {
        const size_t before = row_bytes(*h);
        if (!store_row(*h, false, row, version, truncated)) return false;
        held_bytes_ = held_bytes_ - before + row_bytes(*h);
        return true;
    }
    VersionedRow<T> fresh;
    store_row(fresh, true, row, version, truncated);
    fresh.referenced = true;
    held_bytes_ += row_bytes(fresh);
    m.emplace(id, std::move(fresh));
    return true;
}

template <class T>
bool DimensionState::erase(Rows<T>& m, EntityKind kind, std::optional<int64_t> id,
                           uint64_t version) {
    if (!id) return false;
    if (VersionedRow<T>* h = held(m, kind, *id)) {
        const size_t before = row_bytes(*h);
        const bool changed = bury(*h, false, version);
        held_bytes_ = held_bytes_ - before + row_bytes(*h);
        return changed;
    }
    VersionedRow<T> tomb;
    bury(tomb, true, version);
    tomb.referenced = true;
    held_bytes_ += row_bytes(tomb);
    m.emplace(*id, std::move(tomb));
    return false;
}

template <class T, class F>
void DimensionState::for_each_cold(const Rows<T>& m, EntityKind kind, F&& f) const {
    if (!cold_ || evicted_rows_ == 0) return;
    const std::string prefix = dim_key(kind, 0).substr(0, 2);
    cold_->scan(prefix, [&](std::string_view key, std::string_view value) {
        const int64_t id = id_of_key(key);
        if (m.count(id)) return;  // the row in memory is the current one
        VersionedRow<T> r;
        StateReader in(value, "dimension row " + std::to_string(id) + " in the cold state store");
        in(r);
        in.expect_end();
        if (r.version < truncated_at(kind)) return;
        f(id, r);
    });
}

template <class T>
std::vector<DimKey> DimensionState::bury_older(Rows<T>& m, EntityKind kind, uint64_t boundary) {
    std::vector<DimKey> out;
    for (auto& [id, h] : m) {
        if (h.deleted || h.version >= boundary) continue;
        const size_t before = row_bytes(h);
        h.row = {};
        h.version = boundary;
        h.deleted = true;
        held_bytes_ = held_bytes_ - before + row_bytes(h);
        out.push_back(DimKey{kind, id, {}});
    }
    // Rows that left memory: read back as tombstones at the boundary.
    std::vector<std::pair<int64_t, VersionedRow<T>>> older;
    for_each_cold(m, kind, [&](int64_t id, const VersionedRow<T>& r) {
        if (!r.deleted && r.version < boundary) older.emplace_back(id, r);
    });
    for (auto& [id, r] : older) {
        r.row = {};
        r.version = boundary;
        r.deleted = true;
        held_bytes_ += row_bytes(r);
        m.emplace(id, std::move(r));
        out.push_back(DimKey{kind, id, {}});
    }
    return out;
}

template <class T>
void DimensionState::add_keys(const Rows<T>& m, EntityKind kind, std::vector<DimKey>& out) const {
    for (const auto& [id, row] : m)
        if (!row.deleted) out.push_back(DimKey{kind, id, {}});
    for_each_cold(m, kind, [&](int64_t id, const VersionedRow<T>& r) {
        if (!r.deleted) out.push_back(DimKey{kind, id, {}});
    });
}

template <class T>
size_t DimensionState::evict_rows(Rows<T>& m, EntityKind kind, size_t target_bytes) {
    size_t moved = 0;
    StateWriter out;
    for (auto it = m.begin(); it != m.end() && held_bytes_ > target_bytes;) {
        if (it->second.referenced) {
            it->second.referenced = false;  // a second chance
            ++it;
            continue;
        }
        out = StateWriter();
        out(it->second);
        cold_->put(dim_key(kind, it->first), out.bytes());
        held_bytes_ -= row_bytes(it->second);
        it = m.erase(it);
        ++moved;
    }
    return moved;
}

size_t DimensionState::evict(size_t target_bytes) {
    if (!cold_ || held_bytes_ <= target_bytes) return 0;
    size_t moved = 0;
    // The large ones first; sports and competitions are few.
    moved += evict_rows(selections_, EntityKind::Selection, target_bytes);
    moved += evict_rows(players_, EntityKind::Player, target_bytes);
    moved += evict_rows(markets_, EntityKind::Market, target_bytes);
    moved += evict_rows(events_, EntityKind::Event, target_bytes);
    moved += evict_rows(competitions_, EntityKind::Competition, target_bytes);
    moved += evict_rows(sports_, EntityKind::Sport, target_bytes);
    evicted_rows_ += moved;
    return moved;
}

void DimensionState::recount_bytes() {
    held_bytes_ = 0;
    auto count = [&](const auto& m) {
        for (const auto& [id, r] : m) held_bytes_ += row_bytes(r);
    };
    count(players_);
    count(sports_);
    count(competitions_);
    count(events_);
    count(markets_);
    count(selections_);
}

DimensionState::DimensionState(const model::BettingMapping& mapping)
    : player_id_(mapping.players.id),
      sport_id_(mapping.sports.id),
      competition_id_(mapping.competitions.id),
      event_id_(mapping.events.id),
      market_id_(mapping.markets.id),
      selection_id_(mapping.selections.id),
      fx_currency_(mapping.fx_rates.currency),
      fx_day_(mapping.fx_rates.day) {}

std::optional<DimKey> DimensionState::apply(const model::ModelRecord& record, uint64_t version) {
    return std::visit(
        [&](const auto& r) -> std::optional<DimKey> {
            using T = std::decay_t<decltype(r)>;
            auto put = [&](auto& m, const auto& row, EntityKind kind) -> std::optional<DimKey> {
                if (store(m, kind, row.id, row, version)) return DimKey{kind, row.id, {}};
                return std::nullopt;
            };
            if constexpr (std::is_same_v<T, model::Player>) {
                return put(players_, r, EntityKind::Player);
            } else if constexpr (std::is_same_v<T, model::Sport>) {
                return put(sports_, r, EntityKind::Sport);
            } else if constexpr (std::is_same_v<T, model::Competition>) {
                return put(competitions_, r, EntityKind::Competition);
            } else if constexpr (std::is_same_v<T, model::Event>) {
                // A later version of a finished event (a corrected result) keeps the time it
                // first finished.
                const auto* before = event(r.id);
                if (before && r.status == model::EventStatus::Finished &&
                    before->row.status == model::EventStatus::Finished &&
                    before->row.finished_at_us > 0 && version > before->version &&
                    r.finished_at_us != before->row.finished_at_us) {
                    model::Event kept = r;
                    kept.finished_at_us = before->row.finished_at_us;
                    return put(events_, kept, EntityKind::Event);
                }
                return put(events_, r, EntityKind::Event);
            } else if constexpr (std::is_same_v<T, model::Market>) {
                return put(markets_, r, EntityKind::Market);
            } else if constexpr (std::is_same_v<T, model::Selection>) {
                return put(selections_, r, EntityKind::Selection);
            } else if constexpr (std::is_same_v<T, model::FxRate>) {
                const uint64_t truncated = truncated_at(EntityKind::FxRate);
                if (version != 0 && version < truncated) return std::nullopt;
                auto [it, inserted] = fx_.try_emplace(std::make_pair(r.currency, r.day));
                if (store_row(it->second, inserted, r, version, truncated))
                    return DimKey{EntityKind::FxRate, r.day, r.currency};
                if (inserted) fx_.erase(it);
                return std::nullopt;
            } else if constexpr (std::is_same_v<T, model::RowRemoved>) {
                return remove(r, version);
            }
            return std::nullopt;
        },
        record);
}

std::vector<DimKey> DimensionState::remove_older(EntityKind kind, uint64_t boundary) {
    std::vector<DimKey> out;
    switch (kind) {
        case EntityKind::Player:
            out = bury_older(players_, kind, boundary);
            break;
        case EntityKind::Sport:
            out = bury_older(sports_, kind, boundary);
            break;
        case EntityKind::Competition:
            out = bury_older(competitions_, kind, boundary);
            break;
        case EntityKind::Event:
            out = bury_older(events_, kind, boundary);
            break;
        case EntityKind::Market:
            out = bury_older(markets_, kind, boundary);
            break;
        case EntityKind::Selection:
            out = bury_older(selections_, kind, boundary);
            break;
        case EntityKind::FxRate:
            for (auto& [key, held] : fx_) {
                if (held.deleted || held.version >= boundary) continue;
                held.row = {};
                held.version = boundary;
                held.deleted = true;
                out.push_back(DimKey{kind, key.second, key.first});
            }
            break;
        default:
            return out;
    }
    auto& t = truncated_at(kind);
    t = std::max(t, boundary);
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<DimKey> DimensionState::remove(const model::RowRemoved& r, uint64_t version) {
    const bool truncate = r.key.empty();
    auto id_of = [&](const std::string& column) { return KeyText::integer(r.key, column); };
    auto removed = [&](auto& m, const std::string& column, EntityKind kind) {
        if (truncate) {
            // Every change of the entity older than the truncate is ignored from now on.
            auto& t = truncated_at(kind);
            t = std::max(t, version);
            m.clear();  // the rows that left memory are older than `t`: gone when read back
            recount_bytes();
            return std::optional<DimKey>{};
        }
        auto id = id_of(column);
        if (erase(m, kind, id, version)) return std::optional<DimKey>{DimKey{kind, *id, {}}};
        return std::optional<DimKey>{};
    };
    switch (r.kind) {
        case EntityKind::Player:
            return removed(players_, player_id_, r.kind);
        case EntityKind::Sport:
            return removed(sports_, sport_id_, r.kind);
        case EntityKind::Competition:
            return removed(competitions_, competition_id_, r.kind);
        case EntityKind::Event:
            return removed(events_, event_id_, r.kind);
        case EntityKind::Market:
            return removed(markets_, market_id_, r.kind);
        case EntityKind::Selection:
            return removed(selections_, selection_id_, r.kind);
        case EntityKind::FxRate: {
            if (truncate) {
                auto& t = truncated_at(EntityKind::FxRate);
                t = std::max(t, version);
                fx_.clear();
                return std::nullopt;
            }
            auto currency = KeyText::text(r.key, fx_currency_);
            auto day_text = KeyText::text(r.key, fx_day_);
            if (!currency || !day_text) return std::nullopt;
            std::optional<int64_t> day = KeyText::integer(r.key, fx_day_);
            if (!day)
                if (auto d = model::TimeText::parse_day(*day_text)) day = *d;
            if (!day) return std::nullopt;
            if (*day < std::numeric_limits<int32_t>::min() ||
                *day > std::numeric_limits<int32_t>::max())
                return std::nullopt;
            auto [it, inserted] =
                fx_.try_emplace(std::make_pair(*currency, static_cast<int32_t>(*day)));
            if (!bury(it->second, inserted, version)) return std::nullopt;
            return DimKey{EntityKind::FxRate, *day, *currency};
        }
        default:
            return std::nullopt;
    }
}

const VersionedRow<model::FxRate>* DimensionState::fx_rate(std::string_view currency,
                                                           int32_t day) const {
    auto it = fx_.find(std::make_pair(std::string(currency), day));
    return it == fx_.end() || it->second.deleted ? nullptr : &it->second;
}

std::vector<DimKey> DimensionState::keys(EntityKind kind) const {
    std::vector<DimKey> out;
    switch (kind) {
        case EntityKind::Player:
            add_keys(players_, kind, out);
            break;
        case EntityKind::Sport:
            add_keys(sports_, kind, out);
            break;
        case EntityKind::Competition:
            add_keys(competitions_, kind, out);
            break;
        case EntityKind::Event:
            add_keys(events_, kind, out);
            break;
        case EntityKind::Market:
            add_keys(markets_, kind, out);
            break;
        case EntityKind::Selection:
            add_keys(selections_, kind, out);
            break;
        case EntityKind::FxRate:
            for (const auto& [k, row] : fx_)
                if (!row.deleted) out.push_back(DimKey{kind, k.second, k.first});
            break;
        default:
            break;
    }
    std::sort(out.begin(), out.end());
    return out;
}

size_t DimensionState::size() const {
    return live_rows(players_) + live_rows(sports_) + live_rows(competitions_) +
           live_rows(events_) + live_rows(markets_) + live_rows(selections_) + live_rows(fx_);
}

}  // namespace tote::facts
