#include "transform/facts/fact_builder.h"

#include <algorithm>
#include <type_traits>

#include "transform/facts/fx_conversion.h"
#include "transform/facts/key_text.h"
#include "transform/validation/rule_registry.h"

namespace tote::facts {

using model::EntityKind;

namespace {

// fact_bet.status of a bet whose source row was deleted (docs/facts-design.md).
constexpr const char* kDeletedStatus = "deleted";

// The version of a new emission: the inputs' largest version, or one above the last emitted
// when that is not higher (the row must win in ReplacingMergeTree(version)).
uint64_t next_version(uint64_t inputs, const std::optional<uint64_t>& last) {
    if (!last || inputs > *last) return inputs;
    return *last + 1;
}

// The entity of a dimension row.
EntityKind kind_of(const model::Player&) {
    return EntityKind::Player;
}
EntityKind kind_of(const model::Sport&) {
    return EntityKind::Sport;
}
EntityKind kind_of(const model::Competition&) {
    return EntityKind::Competition;
}
EntityKind kind_of(const model::Event&) {
    return EntityKind::Event;
}
EntityKind kind_of(const model::Market&) {
    return EntityKind::Market;
}
EntityKind kind_of(const model::Selection&) {
    return EntityKind::Selection;
}
EntityKind kind_of(const model::FxRate&) {
    return EntityKind::FxRate;
}

// `fresh` (a new fact, version and log_offset not set yet) equals `emitted` but for the
// position: nothing to emit. Compares in place, without copying either.
template <class F>
bool same_but_position(F& fresh, const F& emitted) {
    fresh.version = emitted.version;
    fresh.log_offset = emitted.log_offset;
    const bool same = fresh == emitted;
    fresh.version = 0;
    fresh.log_offset = 0;
    return same;
}

// A dimension row that carries only its key (a deleted row).
template <class T>
T key_only(int64_t id) {
    T row;
    row.id = id;
    return row;
}

// A bet's ledger ids stay sorted and unique (the order std::map gave).
void insert_id(std::vector<int64_t>& ids, int64_t id) {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    if (it == ids.end() || *it != id) ids.insert(it, id);
}

void erase_id(std::vector<int64_t>& ids, int64_t id) {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    if (it != ids.end() && *it == id) ids.erase(it);
}

std::string id_key(int64_t id) {
    return "{\"id\":" + std::to_string(id) + "}";
}

struct Verdicts {
    bool fail = false;
    bool pending = false;
    std::vector<std::string> violated;
    std::vector<const validation::RuleOutcome*> failures;
};

Verdicts summarise(const std::vector<validation::RuleOutcome>& outcomes) {
    Verdicts v;
    for (const auto& o : outcomes) {
        if (o.result.verdict == validation::Verdict::Fail) {
            v.fail = true;
            v.violated.emplace_back(o.rule);
            v.failures.push_back(&o);
        } else if (o.result.verdict == validation::Verdict::Pending) {
            v.pending = true;
        }
    }
    return v;
}

// One log entry per failed rule that is new for the fact (not logged before with the same
// details).
void log_failures(const Verdicts& v, SortedVectorMap<std::string, std::string>& logged,
                  const std::string& entity, const std::string& key, uint64_t version,
                  int64_t offset, FactBatch& out, uint64_t& count) {
    for (const auto* o : v.failures) {
        std::string rule(o->rule);
        auto it = logged.find(rule);
        if (it != logged.end() && it->second == o->result.details) continue;
        logged[rule] = o->result.details;
        out.log.push_back(EtlLogEntry{rule, std::string(validation::to_text(o->severity)), entity,
                                      key, version, offset, o->result.details});
        ++count;
    }
}

}  // namespace

FactBuilder::FactBuilder(model::BettingMapping mapping, FactBuilderConfig config)
    : mapper_(std::move(mapping)), config_(config), dims_(mapper_.mapping()) {
    const auto& m = mapper_.mapping();
    using namespace validation;
    coverage_ = (m.has_catalogue() ? kCoversCatalogue : 0) |
                (m.ledger_names_bets() ? kCoversLedgerBetLink : 0) |
                (m.bet_legs.result.empty() ? 0 : kCoversLegResults);
}

void FactBuilder::add(const CompleteTransaction& tx, FactBatch& out) {
    if (tx.snapshot) {
        in_snapshot_ = true;
    } else if (in_snapshot_) {  // the stream begins: every watermark counts from here
        in_snapshot_ = false;
        stream_from_ = tx.first_offset;
    }
    advance(tx.first_offset, out);
    ++stats_.transactions;
    const int64_t offset = tx.last_offset;
    uint64_t max_version = 0;
    const auto& m = mapper_.mapping();
    if (m.bets.currency_from_player) {
        // The bets take their player's currency: a transaction's player rows first (they are
        // committed together, so the order within it is not a source order of business).
        for (const bool players : {true, false})
            for (const auto& c : tx.changes) {
                if ((c.table == m.players.table) != players) continue;
                ++stats_.changes;
                max_version = std::max(max_version, c.version);
                apply_change(c, offset, out);
            }
    } else {
        for (const auto& c : tx.changes) {
            ++stats_.changes;
            max_version = std::max(max_version, c.version);
            apply_change(c, offset, out);
        }
    }
    flush(offset, out);
    if (!tx.complete) {
        ++stats_.incomplete_transactions;
        ++stats_.log_entries;
        out.log.push_back(EtlLogEntry{
            "incomplete_transaction", "warning", "transaction",
            "{\"tx_id\":" + std::to_string(tx.tx_id) + "}", max_version, offset,
            "transaction " + std::to_string(tx.tx_id) + " was delivered incomplete with " +
                std::to_string(tx.changes.size()) + " change(s) at log offsets " +
                std::to_string(tx.first_offset) + ".." + std::to_string(tx.last_offset) +
                "; its facts were built from what arrived and may lack rows: see the "
                "assembler's report for the cause"});
    }
}

void FactBuilder::advance(int64_t log_offset, FactBatch& out) {
    if (in_snapshot_) return;  // no watermark passes inside a snapshot (in_snapshot_)
    // A fact's watermark counts from its latest input or from where the stream began after the
    // latest snapshot, whichever is later (stream_from_); monotonic in the pending index's order.
    const int64_t w = config_.watermark_offsets;
    auto passed = [&](const Pending& p) {
        return !p.empty() && log_offset - std::max(p.begin()->first, stream_from_) >= w;
    };
    while (passed(awaiting_index_)) {
        const auto [at, player] = *awaiting_index_.begin();
        awaiting_index_.erase(awaiting_index_.begin());
        for (auto& h : awaiting_player_[player]) {
            if (h.logged || h.offset != at) continue;
            h.logged = true;
            ++stats_.awaiting_player_logged;
            ++stats_.log_entries;
            out.log.push_back(EtlLogEntry{
                "bet_player_known", "error", "bet", h.change.key, h.change.version, at,
                "bet " + h.change.key + " names player " + std::to_string(player) +
                    ", who has not arrived within the watermark (" + std::to_string(w) +
                    " log records): the bet takes its player's currency (mapping: currency "
                    "from player), so its fact waits for the player and is built if it "
                    "arrives"});
        }
    }
    while (passed(pending_bets_)) {
        int64_t id = pending_bets_.begin()->second;
        pending_bets_.erase(pending_bets_.begin());
        auto& s = bet(id);
        s.pending_at.reset();
        emit_bet(id, s, true, out);
        account(s);
        between_facts(out);
    }
    while (passed(pending_wallet_)) {
        int64_t id = pending_wallet_.begin()->second;
        pending_wallet_.erase(pending_wallet_.begin());
        auto& s = wallet(id);
        s.pending_at.reset();
        emit_wallet(id, s, true, out);
        account(s);
        between_facts(out);
    }
}

void FactBuilder::apply_dimension(const model::ModelRecord& record, uint64_t version,
                                  int64_t log_offset, FactBatch& out) {
    if (auto k = dims_.apply(record, version)) {
        dimension_changed(*k, log_offset);
        release_awaiting(*k, log_offset, out);
    }
    flush(log_offset, out);
}

void FactBuilder::apply_change(const ChangeEvent& c, int64_t offset, FactBatch& out) {
    const HeldPlayerCurrencies players(dims_);
    model::ModelRecord r = mapper_.map(c, &players);
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, model::NotModelTable>) {
                // not part of the betting model
            } else if constexpr (std::is_same_v<T, model::MappingError>) {
                if (v.awaits_player) {
                    await_player(c, *v.awaits_player, offset);
                    return;
                }
                ++stats_.mapping_errors;
                ++stats_.log_entries;
                out.log.push_back(EtlLogEntry{"mapping_error", "error", c.table, c.key, c.version,
                                              offset, v.message()});
            } else if constexpr (std::is_same_v<T, model::Bet>) {
                apply_bet(v, c.version, offset);
            } else if constexpr (std::is_same_v<T, model::BetLeg>) {
                apply_leg(v, c.version, offset);
            } else if constexpr (std::is_same_v<T, model::WalletTransaction>) {
                apply_wallet(v, c.version, offset);
            } else if constexpr (std::is_same_v<T, model::RowRemoved>) {
                if (v.kind == EntityKind::Bet || v.kind == EntityKind::BetLeg ||
                    v.kind == EntityKind::WalletTransaction) {
                    apply_removed(v, c.version, offset);
                } else if (v.key.empty()) {
                    // A truncate of a dimension: every row held is removed, each one written
                    // as a deleted dimension row at the truncate's version.
                    auto held = dims_.keys(v.kind);
                    dims_.apply(r, c.version);
                    for (const auto& k : held) emit_dimension(k, c.version, offset, out);
                } else if (auto k = dims_.apply(r, c.version)) {
                    emit_dimension(*k, c.version, offset, out);
                    dimension_changed(*k, offset);
                    release_awaiting(*k, offset, out);
                }
            } else {
                if (auto k = dims_.apply(r, c.version)) {
                    emit_dimension(*k, c.version, offset, out);
                    dimension_changed(*k, offset);
                    release_awaiting(*k, offset, out);
                } else {
                    ++stats_.stale_changes;
                }
                // The last read of a complete snapshot of the table: the rows it did not read
                // were deleted while nothing watched; each is written as a deleted dimension
                // row at the snapshot's boundary (like a truncate, only of the older rows).
                if (c.source.snapshot_table_end) {
                    const uint64_t boundary =
                        make_version(c.source.lsn, VersionRank::SnapshotBoundary);
                    for (const auto& k : dims_.remove_older(kind_of(v), boundary))
                        emit_dimension(k, boundary, offset, out);
                }
            }
        },
        r);
}

void FactBuilder::apply_bet(const model::Bet& b, uint64_t version, int64_t offset) {
    auto& s = bet(b.id);
    if (s.bet && s.bet->version > version) {
        ++stats_.stale_changes;
        return;
    }
    const bool first = !s.bet;
    s.bet = SourceRow<model::Bet>{b, version, true};
    touch_bet(b.id, offset);
    if (first)  // ledger rows that waited for their bet (debit_has_bet)
        for (int64_t wid : s.ledger)
            if (ledger_row(wid).live) touch_wallet(wid, offset);
}

void FactBuilder::apply_leg(const model::BetLeg& l, uint64_t version, int64_t offset) {
    auto& s = bet(l.bet_id);
    auto& ls = s.legs[l.leg_no];
    if (ls.leg.version > version) {
        ++stats_.stale_changes;
        return;
    }
    ls.leg = SourceRow<model::BetLeg>{l, version, true};
    // docs/validation.md open question 2: the event's status when the leg is first seen, i.e.
    // as of the placement in source (commit) order. A leg first seen as a snapshot read was
    // placed before the stream began: the catalogue the snapshot shows is as of the snapshot
    // (an event finished since looks finished), so its status at placement is unknown.
    if (!s.status_at_placement.count(l.selection_id)) {
        std::optional<model::EventStatus> st;
        if (version_rank(version) == VersionRank::SnapshotRead)
            s.placed_before_stream = true;
        else if (const auto* sel = dims_.selection(l.selection_id))
            if (const auto* m = dims_.market(sel->row.market_id))
                if (const auto* e = dims_.event(m->row.event_id)) st = e->row.status;
        s.status_at_placement[l.selection_id] = st;
    }
    touch_bet(l.bet_id, offset);
}

void FactBuilder::apply_wallet(const model::WalletTransaction& w, uint64_t version,
                               int64_t offset) {
    auto& ws = wallet(w.id);
    if (ws.tx.version > version) {
        ++stats_.stale_changes;
        return;
    }
    std::optional<int64_t> old_bet = ws.tx.version != 0 ? ws.tx.row.bet_id : std::nullopt;
    ws.tx = SourceRow<model::WalletTransaction>{w, version, true};
    if (old_bet && old_bet != w.bet_id) {
        if (BetState* old = find_bet(*old_bet)) {
            erase_id(old->ledger, w.id);
            touch_bet(*old_bet, offset);
        }
    }
    if (w.bet_id) {
        insert_id(bet(*w.bet_id).ledger, w.id);
        touch_bet(*w.bet_id, offset);
    }
    touch_wallet(w.id, offset);
}

void FactBuilder::apply_removed(const model::RowRemoved& r, uint64_t version, int64_t offset) {
    // A truncate of a fact table is not applied: facts are never dropped by a truncate of the
    // source (the landing stage keeps the marker).
    if (r.key.empty()) return;
    const auto& m = mapper_.mapping();
    switch (r.kind) {
        case EntityKind::Bet: {
            auto id = KeyText::integer(r.key, m.bets.id);
            if (!id) return;
            auto& s = bet(*id);
            if (s.bet && s.bet->version <= version) {
                s.bet->live = false;
                s.bet->version = version;
                touch_bet(*id, offset);  // a new version with status "deleted" (emit_bet)
            }
            return;
        }
        case EntityKind::BetLeg: {
            auto bet_id = KeyText::integer(r.key, m.bet_legs.bet_id);
            auto leg_no = KeyText::integer(r.key, m.bet_legs.leg_no);
            if (!bet_id || !leg_no) return;
            auto& s = bet(*bet_id);
            auto it = s.legs.find(*leg_no);
            if (it == s.legs.end() || it->second.leg.version > version) return;
            it->second.leg.live = false;
            it->second.leg.version = version;
            touch_bet(*bet_id, offset);
            return;
        }
        case EntityKind::WalletTransaction: {
            auto id = KeyText::integer(r.key, m.wallet_transactions.id);
            if (!id) return;
            WalletState* found = find_wallet(*id);
            if (!found || found->tx.version > version) return;
            auto& ws = *found;
            ws.tx.live = false;
            ws.tx.version = version;
            if (ws.tx.row.bet_id) {
                if (BetState* b = find_bet(*ws.tx.row.bet_id)) {
                    insert_id(b->ledger, *id);
                    touch_bet(*ws.tx.row.bet_id, offset);
                }
            }
            touch_wallet(*id, offset);
            return;
        }
        default:
            return;
    }
}

void FactBuilder::emit_dimension(const DimKey& key, uint64_t version, int64_t offset,
                                 FactBatch& out) {
    ++stats_.dims_emitted;
    auto put = [&](auto& rows, const auto* held, auto key_only) {
        if (held)
            rows.push_back({held->row, held->version, offset, false});
        else
            rows.push_back({key_only, version, offset, true});
    };
    auto& d = out.dims;
    switch (key.kind) {
        case EntityKind::Player:
            put(d.players, dims_.player(key.id), key_only<model::Player>(key.id));
            return;
        case EntityKind::Sport:
            put(d.sports, dims_.sport(key.id), key_only<model::Sport>(key.id));
            return;
        case EntityKind::Competition:
            put(d.competitions, dims_.competition(key.id), key_only<model::Competition>(key.id));
            return;
        case EntityKind::Event:
            put(d.events, dims_.event(key.id), key_only<model::Event>(key.id));
            return;
        case EntityKind::Market:
            put(d.markets, dims_.market(key.id), key_only<model::Market>(key.id));
            return;
        case EntityKind::Selection:
            put(d.selections, dims_.selection(key.id), key_only<model::Selection>(key.id));
            return;
        case EntityKind::FxRate: {
            const auto day = static_cast<int32_t>(key.id);
            model::FxRate fx;
            fx.currency = key.currency;
            fx.day = day;
            put(d.fx_rates, dims_.fx_rate(key.currency, day), fx);
            return;
        }
        default:
            --stats_.dims_emitted;
            return;
    }
}

void FactBuilder::dimension_changed(const DimKey& key, int64_t offset) {
    if (auto it = bet_waiters_.find(key); it != bet_waiters_.end())
        for (int64_t id : it->second) touch_bet(id, offset);
    if (auto it = wallet_waiters_.find(key); it != wallet_waiters_.end())
        for (int64_t id : it->second) touch_wallet(id, offset);
}

void FactBuilder::await_player(const ChangeEvent& c, int64_t player_id, int64_t offset) {
    ++stats_.awaiting_player;
    awaiting_player_[player_id].push_back(AwaitingPlayer{c, offset, false});
    awaiting_index_.emplace(offset, player_id);
}

void FactBuilder::release_awaiting(const DimKey& key, int64_t offset, FactBatch& out) {
    if (key.kind != EntityKind::Player) return;
    auto it = awaiting_player_.find(key.id);
    if (it == awaiting_player_.end() || !dims_.player(key.id)) return;  // a delete: still waits
    std::vector<AwaitingPlayer> held = std::move(it->second);
    awaiting_player_.erase(it);
    for (const auto& h : held) awaiting_index_.erase({h.offset, key.id});
    // In the order they arrived; each maps now (or waits again, for a bet whose player_id the
    // later change moved to another unknown player).
    for (const auto& h : held) apply_change(h.change, offset, out);
}

void FactBuilder::touch_bet(int64_t bet_id, int64_t offset) {
    bet(bet_id).last_input_offset = offset;
    dirty_bets_.push_back(bet_id);
}

void FactBuilder::touch_wallet(int64_t id, int64_t offset) {
    wallet(id).last_input_offset = offset;
    dirty_wallet_.push_back(id);
}

void FactBuilder::flush(int64_t /*offset*/, FactBatch& out) {
    const bool final_at_once = config_.watermark_offsets <= 0;
    // In id order, each once (as a std::set would give).
    for (auto* ids : {&dirty_bets_, &dirty_wallet_}) {
        std::sort(ids->begin(), ids->end());
        ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    }
    // (By index: between_facts() may read states back, never touch these lists.)
    for (size_t i = 0; i < dirty_bets_.size(); ++i) {
        const int64_t id = dirty_bets_[i];
        auto& s = bet(id);
        emit_bet(id, s, final_at_once, out);
        account(s);
        between_facts(out);
    }
    dirty_bets_.clear();
    for (size_t i = 0; i < dirty_wallet_.size(); ++i) {
        const int64_t id = dirty_wallet_[i];
        auto& s = wallet(id);
        emit_wallet(id, s, final_at_once, out);
        account(s);
        between_facts(out);
    }
    dirty_wallet_.clear();
}

void FactBuilder::between_facts(FactBatch& out) {
    constexpr uint32_t kEvictEvery = 1024;
    if (spill_ && spill_rows_ > 0 &&
        out.bets.size() + out.legs.size() + out.wallet.size() + out.log.size() >= spill_rows_)
        spill_(out);
    if (++since_evict_ >= kEvictEvery) {
        since_evict_ = 0;
        evict_to_budget();
    }
}

void FactBuilder::set_waiting(std::vector<DimKey>& current, std::vector<DimKey> next, int64_t id,
                              std::map<DimKey, std::set<int64_t>>& index) {
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    if (next == current) return;
    for (const auto& k : current)
        if (!std::binary_search(next.begin(), next.end(), k)) {
            auto it = index.find(k);
            if (it != index.end()) {
                it->second.erase(id);
                if (it->second.empty()) index.erase(it);
            }
        }
    for (const auto& k : next) index[k].insert(id);
    current = std::move(next);
}

void FactBuilder::emit_deleted_bet(BetState& s, FactBatch& out) {
    // Deleted in the source: one more version with status "deleted", the rest as last emitted,
    // no verdict; its KPI contribution is nothing (the previous one is retracted).
    if (!s.emitted || s.emitted->status == kDeletedStatus) return;
    FactBet d = *s.emitted;
    d.status = kDeletedStatus;
    d.validation = ValidationStatus::Ok;
    d.violated_rules.clear();
    d.version = next_version(s.bet->version, s.emitted->version);
    d.log_offset = s.last_input_offset;
    s.emitted = d;
    out.bets.push_back(std::move(d));
    ++stats_.bets_emitted;
}

uint64_t FactBuilder::leg_dimensions(const model::BetLeg& l, validation::LegContext& lc,
                                     FactBetLeg& fl, std::vector<DimKey>& waiting) const {
    // selection -> market -> event -> competition -> sport; the first unknown one is waited for
    // (an inferred member until it arrives). A source without a catalogue has none to wait for.
    uint64_t version = 0;
    fl.inferred = mapper_.mapping().has_catalogue();
    if (!fl.inferred) return version;
    const auto* sel = dims_.selection(l.selection_id);
    if (!sel) {
        waiting.push_back(DimKey{EntityKind::Selection, l.selection_id, {}});
        return version;
    }
    lc.selection = sel->row;
    version = std::max(version, sel->version);
    const auto* m = dims_.market(sel->row.market_id);
    if (!m) {
        waiting.push_back(DimKey{EntityKind::Market, sel->row.market_id, {}});
        return version;
    }
    lc.market = m->row;
    version = std::max(version, m->version);
    fl.market_id = m->row.id;
    fl.market_type = m->row.type;
    const auto* e = dims_.event(m->row.event_id);
    if (!e) {
        waiting.push_back(DimKey{EntityKind::Event, m->row.event_id, {}});
        return version;
    }
    lc.event = e->row;
    version = std::max(version, e->version);
    fl.event_id = e->row.id;
    const auto* c = dims_.competition(e->row.competition_id);
    if (!c) {
        waiting.push_back(DimKey{EntityKind::Competition, e->row.competition_id, {}});
        return version;
    }
    version = std::max(version, c->version);
    fl.competition = c->row.name;
    const auto* sp = dims_.sport(c->row.sport_id);
    if (!sp) {
        waiting.push_back(DimKey{EntityKind::Sport, c->row.sport_id, {}});
        return version;
    }
    version = std::max(version, sp->version);
    fl.sport = sp->row.name;
    fl.inferred = false;
    return version;
}

uint64_t FactBuilder::emit_legs(BetState& s, FactBet& f, validation::BetContext& ctx,
                                std::vector<DimKey>& waiting, FactBatch& out) {
    uint64_t inputs = 0;
    for (auto& [leg_no, ls] : s.legs) {
        inputs = std::max(inputs, ls.leg.version);
        std::optional<uint64_t> last_leg_version;
        if (ls.emitted) last_leg_version = ls.emitted->version;
        if (!ls.leg.live) {
            if (ls.emitted && !ls.emitted->deleted) {
                FactBetLeg d = *ls.emitted;
                d.deleted = true;
                d.version = next_version(ls.leg.version, last_leg_version);
                d.log_offset = s.last_input_offset;
                ls.emitted = d;
                out.legs.push_back(d);
                ++stats_.legs_emitted;
            }
            continue;
        }
        const model::BetLeg& l = ls.leg.row;
        validation::LegContext lc;
        lc.leg = l;
        FactBetLeg fl;
        fl.bet_id = l.bet_id;
        fl.leg_no = static_cast<int32_t>(l.leg_no);
        fl.selection_id = l.selection_id;
        fl.odds_taken_e4 = l.odds_taken_e4;
        fl.result = l.result ? std::string(to_text(*l.result)) : std::string();
        const uint64_t leg_inputs = std::max(ls.leg.version, leg_dimensions(l, lc, fl, waiting));
        if (auto it = s.status_at_placement.find(l.selection_id); it != s.status_at_placement.end())
            lc.event_status_at_placement = it->second;
        fl.live_at_placement = lc.event_status_at_placement == model::EventStatus::Live;
        f.live = f.live || fl.live_at_placement;
        f.legs += 1;
        f.sports.push_back(fl.sport);
        f.competitions.push_back(fl.competition);
        f.dimensions_inferred = f.dimensions_inferred || fl.inferred;
        ctx.legs.push_back(std::move(lc));
        if (!ls.emitted || !same_but_position(fl, *ls.emitted)) {
            fl.version = next_version(leg_inputs, last_leg_version);
            fl.log_offset = s.last_input_offset;
            out.legs.push_back(fl);
            ls.emitted = std::move(fl);
            ++stats_.legs_emitted;
        }
        inputs = std::max(inputs, leg_inputs);
    }
    return inputs;
}

bool FactBuilder::convert_to_eur(const model::Bet& b, FactBet& f, uint64_t& inputs) const {
    const int32_t day = FxConversion::day_of(b.placed_at_us);
    const auto* rate = dims_.fx_rate(b.currency, day);
    if (!rate) return false;
    auto stake = FxConversion::to_eur_cents(b.stake_minor, rate->row.rate_e10, b.currency);
    auto payout = FxConversion::to_eur_cents(f.payout_minor, rate->row.rate_e10, b.currency);
    auto potential =
        FxConversion::to_eur_cents(b.potential_payout_minor, rate->row.rate_e10, b.currency);
    if (!stake || !payout || !potential) return false;
    inputs = std::max(inputs, rate->version);
    f.fx_rate_e10 = rate->row.rate_e10;
    f.stake_eur_cents = *stake;
    f.payout_eur_cents = *payout;
    f.potential_payout_eur_cents = *potential;
    return true;
}

namespace {
// The bet's own columns and the player's as of placement.
FactBet bet_fact_head(const model::Bet& b, const BetState& s) {
    FactBet f;
    f.bet_id = b.id;
    f.player_id = b.player_id;
    if (s.player_at_placement) {
        f.player_country = s.player_at_placement->country;
        f.player_channel = std::string(to_text(s.player_at_placement->channel));
        f.wallet_currency = s.player_at_placement->currency;
    }
    f.player_inferred = !s.player_at_placement;
    f.currency = b.currency;
    f.channel = std::string(to_text(b.channel));
    f.bet_type = std::string(to_text(b.type));
    f.status = std::string(to_text(b.status));
    f.stake_minor = b.stake_minor;
    f.potential_payout_minor = b.potential_payout_minor;
    f.payout_minor = b.payout_minor.value_or(0);
    f.total_odds_e4 = b.total_odds_e4;
    f.placed_at_us = b.placed_at_us;
    f.settled_at_us = b.settled_at_us.value_or(0);
    const bool settled = b.status == model::BetStatus::Won || b.status == model::BetStatus::Lost ||
                         b.status == model::BetStatus::CashedOut;
    f.ggr_minor = settled ? b.stake_minor - f.payout_minor : 0;
    return f;
}
}  // namespace

void FactBuilder::emit_bet(int64_t bet_id, BetState& s, bool watermark_passed, FactBatch& out) {
    if (s.pending_at) {
        pending_bets_.erase({*s.pending_at, bet_id});
        s.pending_at.reset();
    }
    if (!s.bet) return;  // no bet row (yet): nothing to emit
    if (!s.bet->live) {
        emit_deleted_bet(s, out);
        set_waiting(s.waiting, {}, bet_id, bet_waiters_);
        return;
    }
    const model::Bet& b = s.bet->row;
    uint64_t inputs = s.bet->version;
    std::vector<DimKey> waiting;

    validation::BetContext ctx;
    ctx.bet = b;
    ctx.watermark_passed = watermark_passed;
    ctx.coverage = coverage_;
    ctx.placed_before_stream = s.placed_before_stream;
    if (const auto* pv = dims_.player(b.player_id)) {
        ctx.player = pv->row;
        inputs = std::max(inputs, pv->version);
        if (!s.player_at_placement) {
            s.player_at_placement = pv->row;
            s.player_at_placement_version = pv->version;
        }
    } else {
        waiting.push_back(DimKey{EntityKind::Player, b.player_id, {}});
    }
    inputs = std::max(inputs, s.player_at_placement_version);

    FactBet f = bet_fact_head(b, s);
    inputs = std::max(inputs, emit_legs(s, f, ctx, waiting, out));
    if (mapper_.mapping().bets.type_from_legs) {  // the source has no bet type: from the legs
        ctx.bet.type = f.legs > 1 ? model::BetType::Accumulator : model::BetType::Single;
        f.bet_type = std::string(to_text(ctx.bet.type));
    }
    for (int64_t wid : s.ledger) {
        const auto& row = ledger_row(wid);
        inputs = std::max(inputs, row.version);
        if (row.live) ctx.ledger.push_back(row.row);
    }
    // Without FX rates in the source the EUR columns stay 0 and nothing waits for a rate.
    const bool rate_missing = mapper_.mapping().has_fx_rates() && !convert_to_eur(b, f, inputs);
    if (rate_missing)
        waiting.push_back(
            DimKey{EntityKind::FxRate, FxConversion::day_of(b.placed_at_us), b.currency});

    const auto outcomes = validation::RuleRegistry::check_all(ctx);
    Verdicts v = summarise(outcomes);
    // An inferred member holds the verdict too: the fact is provisional until the dimension
    // arrives or the watermark passes.
    const bool inferred = f.player_inferred || f.dimensions_inferred;
    const bool awaiting = !watermark_passed && (v.pending || rate_missing || inferred);
    f.validation = v.fail     ? ValidationStatus::Violation
                   : awaiting ? ValidationStatus::Pending
                              : ValidationStatus::Ok;
    f.violated_rules = std::move(v.violated);

    if (!s.emitted || !same_but_position(f, *s.emitted)) {
        std::optional<uint64_t> last;
        if (s.emitted) last = s.emitted->version;
        f.version = next_version(inputs, last);
        f.log_offset = s.last_input_offset;
        const uint64_t version = f.version;
        const int64_t log_offset = f.log_offset;
        out.bets.push_back(f);
        s.emitted = std::move(f);
        ++stats_.bets_emitted;
        log_failures(v, s.logged, "bet", id_key(bet_id), version, log_offset, out,
                     stats_.log_entries);
    }
    if (awaiting) {
        s.pending_at = s.last_input_offset;
        pending_bets_.insert({s.last_input_offset, bet_id});
    }
    set_waiting(s.waiting, std::move(waiting), bet_id, bet_waiters_);
}

void FactBuilder::emit_wallet(int64_t id, WalletState& s, bool watermark_passed, FactBatch& out) {
    if (s.pending_at) {
        pending_wallet_.erase({*s.pending_at, id});
        s.pending_at.reset();
    }
    if (s.tx.version == 0) return;  // never seen (a bet referenced it only)
    std::optional<uint64_t> last;
    if (s.emitted) last = s.emitted->version;
    if (!s.tx.live) {
        if (s.emitted && !s.emitted->deleted) {
            FactWalletTransaction d = *s.emitted;
            d.deleted = true;
            d.validation = ValidationStatus::Ok;
            d.violated_rules.clear();
            d.version = next_version(s.tx.version, last);
            d.log_offset = s.last_input_offset;
            s.emitted = d;
            out.wallet.push_back(d);
            ++stats_.wallet_emitted;
        }
        set_waiting(s.waiting, {}, id, wallet_waiters_);
        return;
    }
    const model::WalletTransaction& w = s.tx.row;
    uint64_t inputs = s.tx.version;
    std::vector<DimKey> waiting;
    FactWalletTransaction f;
    f.id = w.id;
    f.player_id = w.player_id;
    f.type = std::string(to_text(w.type));
    f.status = std::string(to_text(w.status));
    f.currency = w.currency;
    f.amount_minor = w.amount_minor;
    f.bet_id = w.bet_id.value_or(0);
    f.created_at_us = w.created_at_us;
    if (const auto* p = dims_.player(w.player_id)) {
        f.player_country = p->row.country;
        inputs = std::max(inputs, p->version);
    } else {
        waiting.push_back(DimKey{EntityKind::Player, w.player_id, {}});
    }
    const int32_t day = FxConversion::day_of(w.created_at_us);
    bool rate_missing = mapper_.mapping().has_fx_rates();
    if (const auto* rate = dims_.fx_rate(w.currency, day)) {
        if (auto eur = FxConversion::to_eur_cents(w.amount_minor, rate->row.rate_e10, w.currency)) {
            rate_missing = false;
            inputs = std::max(inputs, rate->version);
            f.amount_eur_cents = *eur;
        }
    }
    if (rate_missing) waiting.push_back(DimKey{EntityKind::FxRate, day, w.currency});

    validation::WalletContext ctx;
    ctx.transaction = w;
    ctx.watermark_passed = watermark_passed;
    ctx.coverage = coverage_;
    if (w.bet_id) {
        const BetState* b = find_bet(*w.bet_id);
        if (b && b->bet) {
            ctx.bet_seen = true;
            inputs = std::max(inputs, b->bet->version);
        }
    }
    const auto outcomes = validation::RuleRegistry::check_all(ctx);
    Verdicts v = summarise(outcomes);
    const bool awaiting = !watermark_passed && (v.pending || rate_missing);
    f.validation = v.fail     ? ValidationStatus::Violation
                   : awaiting ? ValidationStatus::Pending
                              : ValidationStatus::Ok;
    f.violated_rules = std::move(v.violated);
    if (!s.emitted || !same_but_position(f, *s.emitted)) {
        f.version = next_version(inputs, last);
        f.log_offset = s.last_input_offset;
        const uint64_t version = f.version;
        const int64_t log_offset = f.log_offset;
        out.wallet.push_back(f);
        s.emitted = std::move(f);
        ++stats_.wallet_emitted;
        log_failures(v, s.logged, "wallet_transaction", id_key(id), version, log_offset, out,
                     stats_.log_entries);
    }
    if (awaiting) {
        s.pending_at = s.last_input_offset;
        pending_wallet_.insert({s.last_input_offset, id});
    }
    set_waiting(s.waiting, std::move(waiting), id, wallet_waiters_);
}

}  // namespace tote::facts
