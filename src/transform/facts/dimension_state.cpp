#include "transform/facts/dimension_state.h"

#include <algorithm>
#include <type_traits>

#include "model/time_text.h"
#include "transform/facts/key_text.h"

namespace tote::facts {

using model::EntityKind;

namespace {

// Stores `row` unless a newer version is held. True when stored.
template <class T>
bool store(std::unordered_map<int64_t, VersionedRow<T>>& m, int64_t id, const T& row,
           uint64_t version) {
    auto [it, inserted] = m.try_emplace(id);
    if (!inserted && version != 0 && version < it->second.version) return false;
    it->second.row = row;
    it->second.version = version;
    return true;
}

template <class T>
bool erase(std::unordered_map<int64_t, VersionedRow<T>>& m, std::optional<int64_t> id,
           uint64_t version) {
    if (!id) return false;
    auto it = m.find(*id);
    if (it == m.end() || (version != 0 && version < it->second.version)) return false;
    m.erase(it);
    return true;
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
            if constexpr (std::is_same_v<T, model::Player>) {
                if (store(players_, r.id, r, version)) return DimKey{EntityKind::Player, r.id, {}};
            } else if constexpr (std::is_same_v<T, model::Sport>) {
                if (store(sports_, r.id, r, version)) return DimKey{EntityKind::Sport, r.id, {}};
            } else if constexpr (std::is_same_v<T, model::Competition>) {
                if (store(competitions_, r.id, r, version))
                    return DimKey{EntityKind::Competition, r.id, {}};
            } else if constexpr (std::is_same_v<T, model::Event>) {
                if (store(events_, r.id, r, version)) return DimKey{EntityKind::Event, r.id, {}};
            } else if constexpr (std::is_same_v<T, model::Market>) {
                if (store(markets_, r.id, r, version)) return DimKey{EntityKind::Market, r.id, {}};
            } else if constexpr (std::is_same_v<T, model::Selection>) {
                if (store(selections_, r.id, r, version))
                    return DimKey{EntityKind::Selection, r.id, {}};
            } else if constexpr (std::is_same_v<T, model::FxRate>) {
                auto [it, inserted] = fx_.try_emplace(std::make_pair(r.currency, r.day));
                if (!inserted && version != 0 && version < it->second.version) return std::nullopt;
                it->second.row = r;
                it->second.version = version;
                return DimKey{EntityKind::FxRate, r.day, r.currency};
            } else if constexpr (std::is_same_v<T, model::RowRemoved>) {
                return remove(r, version);
            }
            return std::nullopt;
        },
        record);
}

std::optional<DimKey> DimensionState::remove(const model::RowRemoved& r, uint64_t version) {
    const bool truncate = r.key.empty();
    auto id_of = [&](const std::string& column) { return KeyText::integer(r.key, column); };
    auto removed = [&](auto& m, const std::string& column, EntityKind kind) {
        if (truncate) {
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
            auto it = fx_.find(std::make_pair(*currency, static_cast<int32_t>(*day)));
            if (it == fx_.end() || (version != 0 && version < it->second.version))
                return std::nullopt;
            fx_.erase(it);
            return DimKey{EntityKind::FxRate, *day, *currency};
        }
        default:
            return std::nullopt;
    }
}

const VersionedRow<model::FxRate>* DimensionState::fx_rate(std::string_view currency,
                                                           int32_t day) const {
    auto it = fx_.find(std::make_pair(std::string(currency), day));
    return it == fx_.end() ? nullptr : &it->second;
}

std::vector<DimKey> DimensionState::keys(EntityKind kind) const {
    std::vector<DimKey> out;
    auto ids = [&](const auto& m) {
        out.reserve(m.size());
        for (const auto& [id, row] : m) out.push_back(DimKey{kind, id, {}});
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
            for (const auto& [k, row] : fx_) out.push_back(DimKey{kind, k.second, k.first});
            break;
        default:
            break;
    }
    std::sort(out.begin(), out.end());
    return out;
}

size_t DimensionState::size() const {
    return players_.size() + sports_.size() + competitions_.size() + events_.size() +
           markets_.size() + selections_.size() + fx_.size();
}

}  // namespace tote::facts
