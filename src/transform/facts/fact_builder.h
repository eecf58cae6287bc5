#pragma once
// Builds the wide, validated facts (fact_rows.h) from whole OLTP transactions: maps every change
// through the BettingMapping, keeps the dimensions (DimensionState) and the per-bet state
// (BetState: latest bet, its legs, its ledger rows), and emits a new fact version whenever an
// input of the fact changes, or a dimension a fact waits for arrives, or the watermark of a
// pending fact passes. Pure C++ (no ClickHouse). See docs/facts-design.md.
//
// Versions. A fact's version is the largest packed source version of the inputs that shaped it
// (the bet row, its legs and ledger rows including deletions, the player, the legs' selection,
// market, event, competition and sport, the FX rate). When that is not above the version
// emitted last (a watermark re-validation changes only the verdict; an input with a smaller
// version) the new version is the last one + 1. Everything is a function of the input stream,
// so a replay of the same transactions into a fresh builder emits identical rows.
//
// Watermark. A fact is final once the log has advanced FactBuilderConfig::watermark_offsets past
// its latest input: `offset - last_input_offset >= watermark_offsets`. add() first advances to
// the transaction's first offset, so finalisation depends only on the stream, not on how the
// caller batches (as long as the caller's own advance() calls do not run ahead of the
// transactions it still has to add). Before the watermark a rule that a late row could still
// satisfy is Pending (docs/validation.md); a fact with any Fail is Violation; else with any
// Pending (or an FX rate still unknown) Pending; else Ok. After the watermark an unknown FX rate
// does not hold the verdict (the fact keeps fx_rate_e10 = 0 and is re-emitted if the rate still
// arrives). While a snapshot is read (snapshot reads, until the first streamed change) no
// watermark passes: Debezium reads one table after the other; after it, a fact's watermark
// counts from its latest input or from the stream's first offset, whichever is later (a fact of
// the snapshot gets a full window of stream for its late rows).
//
// Dimension rows. Every change that DimensionState::apply takes (a new or changed row, a
// delete of a held row, each row a truncate removes) is emitted as a DimRow in FactBatch::dims
// with the change's version and the transaction's log offset: the row as held after the change,
// or a key-only row with deleted = true. A change older than the row held (a re-delivery) emits
// nothing; the same change again (same version) emits the identical row again.
//
// ETL log. A failed rule is logged (one EtlLogEntry, stamped with the fact version it was found
// on) when it is new for the fact: not failed with the same details in an earlier logged
// version. Pending verdicts are never logged. A transaction delivered incomplete is logged
// (rule "incomplete_transaction") and still processed; a change that does not map is logged as
// "mapping_error" and otherwise skipped, except a bet change that needs its player's currency
// while the player is unknown: it is held until the player arrives (logged as
// "bet_player_known" if the watermark passes first, and still held).
//
// State. The per-bet and per-ledger-row state (bet_state.h) stays in memory up to
// FactBuilderConfig::memory_budget_bytes (an estimate of its bytes, see approx_bytes); beyond it,
// evict_to_budget() moves states to the ColdState, those that wait for nothing first (then those
// with a pending verdict or awaiting a dimension: the pending and waiting indexes hold only ids),
// oldest input first, until 3/4 of the budget is held. A change, a ledger row, a dimension or a
// watermark that touches such a fact later reads it back first, so the rows emitted are exactly
// those of a builder without a budget (what leaves is the whole state, serialised as a
// checkpoint writes it). Inside one add() or advance() that emits many facts (the end of a
// snapshot's window finalises every fact the snapshot read; a dimension row that thousands of
// facts wait for), the builder evicts between facts too, and hands the batch to the spill
// callback (set_spill) every so many rows, so neither the states nor the batch grow with the
// snapshot. Dimensions as in dimension_state.h.
// Not thread-safe.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/cold_state.h"
#include "model/betting_mapping.h"
#include "model/fact_rows.h"
#include "model/model_mapper.h"
#include "transform/facts/bet_state.h"
#include "transform/facts/dimension_state.h"
#include "transform/transaction/complete_transaction.h"
#include "transform/validation/bet_context.h"

namespace tote {
class StateReader;
class StateWriter;
}  // namespace tote

namespace tote::facts {

struct FactBuilderConfig {
    // A fact's verdict is final once the log has advanced this many offsets past its latest
    // input (0: final at once: every late-row rule fails immediately).
    int64_t watermark_offsets = 100'000;
    // Estimated bytes of per-bet and per-ledger-row state to hold in memory (0: no limit).
    // Needs a ColdState (set_cold_state) to take effect.
    size_t memory_budget_bytes = 0;
};

struct FactBuilderStats {
    uint64_t transactions = 0;
    uint64_t incomplete_transactions = 0;
    uint64_t changes = 0;
    uint64_t mapping_errors = 0;
    uint64_t stale_changes = 0;  // older than the version held (re-delivery): ignored
    uint64_t bets_emitted = 0;
    uint64_t legs_emitted = 0;
    uint64_t wallet_emitted = 0;
    uint64_t log_entries = 0;
    uint64_t dims_emitted = 0;  // dimension rows (FactBatch::dims), deletes included
    uint64_t evicted_bets = 0;  // states moved to the ColdState (each time)
    uint64_t evicted_wallet = 0;
    uint64_t cold_reads = 0;  // states read back from it
    // Bet changes held until their player arrives (bets that take their player's currency),
    // and how many of them were logged (bet_player_known) because the watermark passed first.
    uint64_t awaiting_player = 0;
    uint64_t awaiting_player_logged = 0;
};

// A bet change that can be mapped only once its player is known (model::MappingError with
// awaits_player), held with the log offset of its transaction.
struct AwaitingPlayer {
    ChangeEvent change;
    int64_t offset = 0;
    bool logged = false;  // bet_player_known was logged for it
};

class FactBuilder {
public:
    // Throws ToteError(Fatal) when the mapping is unusable (ModelMapper).
    explicit FactBuilder(model::BettingMapping mapping, FactBuilderConfig config = {});

    // Processes one unit from the TransactionAssembler (in commit order) and appends what it
    // produced to `out` (which is not cleared).
    void add(const CompleteTransaction& tx, FactBatch& out);

    // The log has reached `log_offset`: pending facts whose watermark passed are re-validated
    // and re-emitted as final.
    void advance(int64_t log_offset, FactBatch& out);

    // Feeds a landed dimension row (e.g. from the warehouse at start); facts waiting for it are
    // re-emitted into `out`. No dimension row is emitted for it (it is already landed): only
    // changes that arrive through add() produce FactBatch::dims rows.
    void apply_dimension(const model::ModelRecord& record, uint64_t version, int64_t log_offset,
                         FactBatch& out);

    // True when changes of `table` can shape a fact or dimension (the mapping names it); add()
    // ignores the changes of any other table beyond counting them.
    bool maps_table(const std::string& table) const { return mapper_.maps_table(table); }

    // Where states beyond the memory budget go (not owned; nullptr: none, nothing leaves).
    void set_cold_state(ColdState* cold) {
        cold_ = cold;
        dims_.set_cold_state(cold);
    }
    // When the held states exceed the budget, moves states to the ColdState (see the header).
    // Call it between units (after add/advance and once their batch has been consumed): the
    // states of the facts just emitted may leave. (A state whose KPI base is still to be taken
    // may leave too: bet_kpi_base() reads it back.)
    void evict_to_budget();
    // Called with the batch being filled once it holds `max_rows` rows (facts, legs, ledger rows,
    // log entries) in the middle of an add() or advance(): the caller consumes the rows (writes
    // them, takes their KPI bases) and clears the batch. The rows and their order are those of
    // one batch: only where the batch is cut depends on `max_rows`. Unset (or 0): never.
    void set_spill(std::function<void(FactBatch&)> spill, size_t max_rows) {
        spill_ = std::move(spill);
        spill_rows_ = max_rows;
    }
    // The estimated bytes of the per-bet, per-ledger-row and dimension state held in memory.
    size_t held_state_bytes() const { return hot_bytes_ + dims_.held_bytes(); }
    // 0 when there is no budget or no ColdState to take what exceeds it.
    size_t memory_budget_bytes() const { return cold_ ? config_.memory_budget_bytes : 0; }
    // True once any state has gone to the ColdState: a checkpoint of this builder then needs
    // the ColdState's contents as of the same moment.
    bool uses_cold_state() const { return stats_.evicted_bets + stats_.evicted_wallet > 0; }
    // The KPI inputs last written for a fact (FactStage), read back from the ColdState when
    // needed.
    std::optional<KpiBetBase>& bet_kpi_base(int64_t bet_id) { return bet(bet_id).kpi; }
    std::optional<KpiWalletBase>& wallet_kpi_base(int64_t id) { return wallet(id).kpi; }

    const DimensionState& dimensions() const { return dims_; }
    const FactBuilderStats& stats() const { return stats_; }
    size_t bets_held() const { return bets_.size(); }
    size_t wallet_rows_held() const { return wallet_.size(); }
    size_t pending_facts() const { return pending_bets_.size() + pending_wallet_.size(); }
    // Bet changes held until their player arrives.
    size_t changes_awaiting_player() const {
        size_t n = 0;
        for (const auto& [player, held] : awaiting_player_) n += held.size();
        return n;
    }

    // The whole state (dimensions, per-bet and per-ledger-row state, the waiting and pending
    // indexes, counters) for a checkpoint; load_state() into a builder made with the same
    // mapping and config continues exactly as this one would (src/state/).
    void save_state(StateWriter& out) const;
    void load_state(StateReader& in);

private:
    using Pending = std::set<std::pair<int64_t, int64_t>>;  // (last input offset, id)

    void apply_change(const ChangeEvent& c, int64_t offset, FactBatch& out);
    void apply_bet(const model::Bet& b, uint64_t version, int64_t offset);
    void apply_leg(const model::BetLeg& l, uint64_t version, int64_t offset);
    void apply_wallet(const model::WalletTransaction& w, uint64_t version, int64_t offset);
    void apply_removed(const model::RowRemoved& r, uint64_t version, int64_t offset);
    void emit_dimension(const DimKey& key, uint64_t version, int64_t offset, FactBatch& out);
    void dimension_changed(const DimKey& key, int64_t offset);
    // A player arrived: the bet changes held for it are applied now.
    void release_awaiting(const DimKey& key, int64_t offset, FactBatch& out);
    // Holds a bet change until its player arrives.
    void await_player(const ChangeEvent& c, int64_t player_id, int64_t offset);
    // The state of a bet / ledger row: held, or read back from the ColdState, or (bet(),
    // wallet()) a new empty one; find_*: nullptr when there is none.
    BetState* find_bet(int64_t id);
    BetState& bet(int64_t id);
    WalletState* find_wallet(int64_t id);
    WalletState& wallet(int64_t id);
    // The state of `id` in `held`, or read back into it from the ColdState (key tag + id).
    template <class State>
    State* read_back(std::unordered_map<int64_t, State>& held, char tag, int64_t id);
    // Re-estimates what a state counts for in held_state_bytes().
    void account(BetState& s);
    void account(WalletState& s);
    // The latest version of a ledger row listed in a BetState::ledger.
    const SourceRow<model::WalletTransaction>& ledger_row(int64_t id) { return wallet(id).tx; }
    void touch_bet(int64_t bet_id, int64_t offset);
    void touch_wallet(int64_t id, int64_t offset);
    void flush(int64_t offset, FactBatch& out);
    // After each fact emitted inside flush() or advance(): spills a full batch, and every
    // kEvictEvery facts keeps the held states within the budget.
    void between_facts(FactBatch& out);

    void emit_bet(int64_t bet_id, BetState& s, bool watermark_passed, FactBatch& out);
    // The parts of emit_bet: a deleted bet's last version; the legs (their facts emitted when
    // changed; the bet's leg columns and the rules' leg contexts filled; returns their largest
    // input version); a leg's dimensions (returns their largest version; unknown ones are added
    // to `waiting`); the EUR columns at the placement day's rate (false when it is missing).
    void emit_deleted_bet(BetState& s, FactBatch& out);
    uint64_t emit_legs(BetState& s, FactBet& f, validation::BetContext& ctx,
                       std::vector<DimKey>& waiting, FactBatch& out);
    uint64_t leg_dimensions(const model::BetLeg& l, validation::LegContext& lc, FactBetLeg& fl,
                            std::vector<DimKey>& waiting) const;
    bool convert_to_eur(const model::Bet& b, FactBet& f, uint64_t& inputs) const;
    void emit_wallet(int64_t id, WalletState& s, bool watermark_passed, FactBatch& out);
    void set_waiting(std::vector<DimKey>& current, std::vector<DimKey> next, int64_t id,
                     std::map<DimKey, std::set<int64_t>>& index);

    // The wallet currency of the players held (for a mapping whose bets take their player's).
    class HeldPlayerCurrencies : public model::PlayerCurrencies {
    public:
        explicit HeldPlayerCurrencies(const DimensionState& dims) : dims_(dims) {}
        const std::string* currency_of(int64_t player_id) const override {
            const auto* p = dims_.player(player_id);
            return p ? &p->row.currency : nullptr;
        }

    private:
        const DimensionState& dims_;
    };

    model::ModelMapper mapper_;
    FactBuilderConfig config_;
    ColdState* cold_ = nullptr;
    size_t hot_bytes_ = 0;  // sum of the held states' accounted_bytes
    DimensionState dims_;
    uint8_t coverage_ = 0;  // validation::SourceCoverage bits the mapping supports

    std::unordered_map<int64_t, BetState> bets_;
    std::unordered_map<int64_t, WalletState> wallet_;
    std::map<DimKey, std::set<int64_t>> bet_waiters_;     // dimension -> bets waiting for it
    std::map<DimKey, std::set<int64_t>> wallet_waiters_;  // dimension -> ledger rows
    Pending pending_bets_, pending_wallet_;
    std::map<int64_t, std::vector<AwaitingPlayer>> awaiting_player_;  // player -> bet changes
    Pending awaiting_index_;  // (offset, player) of the changes held, for the watermark
    // The last unit added was a snapshot read: a snapshot is being read. Its rows all share one
    // source position and come table after table (a bet's ledger rows may be millions of log
    // offsets after the bet), so no watermark passes until the snapshot is over (the first
    // streamed change): a fact of the snapshot is never judged on half of it. Checkpointed: a
    // restart in the middle of a snapshot (its next unit not read yet) is still inside it.
    bool in_snapshot_ = false;
    // The first log offset of the stream after the latest snapshot (0: none yet). A watermark
    // counts from a fact's latest input or from here, whichever is later: a fact read by the
    // snapshot gets the same window of stream for its late rows (a debit committed just after
    // the snapshot's consistent point) as a fact placed at the stream's start, however far back
    // in the snapshot it was read.
    int64_t stream_from_ = 0;
    std::function<void(FactBatch&)> spill_;  // set_spill
    size_t spill_rows_ = 0;
    uint32_t since_evict_ = 0;  // facts emitted since between_facts() last checked the budget
    // Touched by the unit being processed (flush() sorts them and drops repeats).
    std::vector<int64_t> dirty_bets_, dirty_wallet_;
    FactBuilderStats stats_;
};

}  // namespace tote::facts
