#include "transform/facts/dimension_state.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "model/time_text.h"
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

template <class T>
bool store(std::unordered_map<int64_t, VersionedRow<T>>& m, int64_t id, const T& row,
           uint64_t version, uint64_t truncated_at) {
    if (version != 0 && version < truncated_at) return false;
    auto [it, inserted] = m.try_emplace(id);
    if (store_row(it->second, inserted, row, version, truncated_at)) return true;
    if (inserted) m.erase(it);
    return false;
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

template <class T>
bool erase(std::unordered_map<int64_t, VersionedRow<T>>& m, std::optional<int64_t> id,
           uint64_t version) {
    if (!id) return false;
    auto [it, inserted] = m.try_emplace(*id);
    return bury(it->second, inserted, version);
}

template <class Map>
size_t live_rows(const Map& m) {
    size_t n = 0;
    for (const auto& [k, row] : m) n += row.deleted ? 0 : 1;
    return n;
}

}  // namespace

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
                if (store(m, row.id, row, version, truncated_at(kind)))
                    return DimKey{kind, row.id, {}};
                return std::nullopt;
            };
            if constexpr (std::is_same_v<T, model::Player>) {
                return put(players_, r, EntityKind::Player);
            } else if constexpr (std::is_same_v<T, model::Sport>) {
                return put(sports_, r, EntityKind::Sport);
            } else if constexpr (std::is_same_v<T, model::Competition>) {
                return put(competitions_, r, EntityKind::Competition);
            } else if constexpr (std::is_same_v<T, model::Event>) {
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
    auto bury_older = [&](auto& m) {
        for (auto& [id, held] : m) {
            if (held.deleted || held.version >= boundary) continue;
            held.row = {};
            held.version = boundary;
            held.deleted = true;
            out.push_back(DimKey{kind, id, {}});
        }
    };
    switch (kind) {
        case EntityKind::Player:
            bury_older(players_);
            break;
        case EntityKind::Sport:
            bury_older(sports_);
            break;
        case EntityKind::Competition:
            bury_older(competitions_);
            break;
        case EntityKind::Event:
            bury_older(events_);
            break;
        case EntityKind::Market:
            bury_older(markets_);
            break;
        case EntityKind::Selection:
            bury_older(selections_);
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
            m.clear();
            return std::optional<DimKey>{};
        }
        auto id = id_of(column);
        if (erase(m, id, version)) return std::optional<DimKey>{DimKey{kind, *id, {}}};
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
    auto ids = [&](const auto& m) {
        out.reserve(m.size());
        for (const auto& [id, row] : m)
            if (!row.deleted) out.push_back(DimKey{kind, id, {}});
    };
    switch (kind) {
        case EntityKind::Player:
            ids(players_);
            break;
        case EntityKind::Sport:
            ids(sports_);
            break;
        case EntityKind::Competition:
            ids(competitions_);
            break;
        case EntityKind::Event:
            ids(events_);
            break;
        case EntityKind::Market:
            ids(markets_);
            break;
        case EntityKind::Selection:
            ids(selections_);
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
