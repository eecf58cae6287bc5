// Checkpoint state of the fact builder and its dimension state (save_state / load_state).
// Kept apart from the processing code: it lists every member, in one order, for both ways.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <tuple>

#include "core/state_reader.h"
#include "core/state_writer.h"
#include "transform/facts/fact_state_fields.h"

namespace tote::facts {

void DimensionState::save_state(StateWriter& out) const {
    out(players_, sports_, competitions_, events_, markets_, selections_, fx_, truncated_at_,
        evicted_rows_);
}

void DimensionState::load_state(StateReader& in) {
    in(players_, sports_, competitions_, events_, markets_, selections_, fx_, truncated_at_,
       evicted_rows_);
    recount_bytes();
}

void FactBuilder::save_state(StateWriter& out) const {
    dims_.save_state(out);
    out(bets_, wallet_, bet_waiters_, wallet_waiters_, pending_bets_, pending_wallet_, dirty_bets_,
        dirty_wallet_, in_snapshot_, stream_from_, stats_, awaiting_player_, awaiting_index_);
}

void FactBuilder::load_state(StateReader& in) {
    dims_.load_state(in);
    in(bets_, wallet_, bet_waiters_, wallet_waiters_, pending_bets_, pending_wallet_, dirty_bets_,
       dirty_wallet_, in_snapshot_, stream_from_, stats_, awaiting_player_, awaiting_index_);
    hot_bytes_ = 0;
    for (auto& [id, s] : bets_) {
        s.accounted_bytes = 0;
        account(s);
    }
    for (auto& [id, s] : wallet_) {
        s.accounted_bytes = 0;
        account(s);
    }
}

}  // namespace tote::facts

// ---- the memory budget: held states, the ColdState, the estimate of bytes held

namespace tote::facts {

namespace {

// The ColdState key of a state: a tag ('b' bet, 'w' ledger row) and the id, big-endian (so the
// keys of one kind sort by id).
std::string cold_key(char tag, int64_t id) {
    std::string k(9, '\0');
    k[0] = tag;
    const auto u = static_cast<uint64_t>(id);
    for (int i = 0; i < 8; ++i)
        k[static_cast<size_t>(1 + i)] = static_cast<char>(u >> (56 - 8 * i));
    return k;
}

// Heap bytes of a string beyond the small-string buffer (libstdc++: 15 characters).
size_t heap_of(const std::string& s) {
    return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

size_t heap_of(const std::vector<std::string>& v) {
    size_t n = v.capacity() * sizeof(std::string);
    for (const auto& s : v) n += heap_of(s);
    return n;
}

size_t heap_of(const SortedVectorMap<std::string, std::string>& m) {
    size_t n = m.size() * sizeof(std::pair<std::string, std::string>);
    for (const auto& [k, v] : m) n += heap_of(k) + heap_of(v);
    return n;
}

size_t heap_of(const std::optional<FactBet>& f) {
    return f ? heap_of(f->sports) + heap_of(f->competitions) + heap_of(f->violated_rules) +
                   heap_of(f->player_country) + heap_of(f->status)
             : 0;
}

size_t heap_of(const std::optional<FactWalletTransaction>& f) {
    return f ? heap_of(f->violated_rules) : 0;
}

// An unordered_map node's own bytes beyond the value (next pointer, cached hash, bucket).
constexpr size_t kNodeBytes = 32;

}  // namespace

template <class State>
State* FactBuilder::read_back(std::unordered_map<int64_t, State>& held, char tag, int64_t id) {
    if (auto it = held.find(id); it != held.end()) return &it->second;
    if (!cold_ || !uses_cold_state()) return nullptr;
    std::string bytes;
    if (!cold_->get(cold_key(tag, id), bytes)) return nullptr;
    State s;
    StateReader in(bytes, std::string("the fact state of ") +
                              (tag == 'b' ? "bet " : "ledger row ") + std::to_string(id) +
                              " in the cold state store");
    in(s);
    in.expect_end();
    ++stats_.cold_reads;
    auto& placed = held.emplace(id, std::move(s)).first->second;
    account(placed);
    return &placed;
}

BetState* FactBuilder::find_bet(int64_t id) {
    return read_back(bets_, 'b', id);
}

BetState& FactBuilder::bet(int64_t id) {
    if (BetState* s = find_bet(id)) return *s;
    return bets_[id];
}

WalletState* FactBuilder::find_wallet(int64_t id) {
    return read_back(wallet_, 'w', id);
}

WalletState& FactBuilder::wallet(int64_t id) {
    if (WalletState* s = find_wallet(id)) return *s;
    return wallet_[id];
}

void FactBuilder::account(BetState& s) {
    size_t n = sizeof(BetState) + kNodeBytes;
    n += s.legs.capacity() * sizeof(std::pair<int64_t, LegState>);
    for (const auto& [no, l] : s.legs)
        if (l.emitted) n += heap_of(l.emitted->sport) + heap_of(l.emitted->competition);
    n += s.ledger.capacity() * sizeof(int64_t);
    n += s.status_at_placement.capacity() *
         sizeof(std::pair<int64_t, std::optional<model::EventStatus>>);
    n += s.waiting.capacity() * sizeof(DimKey);
    n += heap_of(s.logged) + heap_of(s.emitted);
    if (s.kpi) n += heap_of(s.kpi->sport) + heap_of(s.kpi->player_country);
    const auto bytes = static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX));
    hot_bytes_ = hot_bytes_ - s.accounted_bytes + bytes;
    s.accounted_bytes = bytes;
}

void FactBuilder::account(WalletState& s) {
    size_t n = sizeof(WalletState) + kNodeBytes;
    n += s.waiting.capacity() * sizeof(DimKey);
    n += heap_of(s.logged) + heap_of(s.emitted);
    const auto bytes = static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX));
    hot_bytes_ = hot_bytes_ - s.accounted_bytes + bytes;
    s.accounted_bytes = bytes;
}

void FactBuilder::evict_to_budget() {
    const size_t budget = config_.memory_budget_bytes;
    if (!cold_ || budget == 0 || held_state_bytes() <= budget) return;
    const size_t target = budget / 4 * 3;
    // The states that wait for nothing first, then those with a pending verdict or awaiting a
    // dimension (their indexes hold ids: a watermark or the dimension reads them back); oldest
    // input first, bets before ledger rows at a tie.
    struct Candidate {
        bool waits;
        int64_t last_input_offset;
        bool is_wallet;
        int64_t id;
        bool operator<(const Candidate& o) const {
            return std::tie(waits, last_input_offset, is_wallet, id) <
                   std::tie(o.waits, o.last_input_offset, o.is_wallet, o.id);
        }
    };
    std::vector<Candidate> candidates;
    candidates.reserve(bets_.size() + wallet_.size());
    for (const auto& [id, s] : bets_)
        candidates.push_back({s.pending_at || !s.waiting.empty(), s.last_input_offset, false, id});
    for (const auto& [id, s] : wallet_)
        candidates.push_back({s.pending_at || !s.waiting.empty(), s.last_input_offset, true, id});
    std::sort(candidates.begin(), candidates.end());
    StateWriter out;
    auto move_out = [&](auto& held, char tag, int64_t id, uint64_t& count) {
        auto it = held.find(id);
        out = StateWriter();
        out(it->second);
        cold_->put(cold_key(tag, id), out.bytes());
        hot_bytes_ -= it->second.accounted_bytes;
        held.erase(it);
        ++count;
    };
    for (const auto& c : candidates) {
        if (held_state_bytes() <= target) break;
        if (c.is_wallet)
            move_out(wallet_, 'w', c.id, stats_.evicted_wallet);
        else
            move_out(bets_, 'b', c.id, stats_.evicted_bets);
    }
    // Then dimension rows not looked up lately, if the facts' states alone do not make room.
    if (held_state_bytes() > target) dims_.evict(target - std::min(target, hot_bytes_));
}

}  // namespace tote::facts
