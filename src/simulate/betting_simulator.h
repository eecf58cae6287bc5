#pragma once
// `tote simulate`: a deterministic sportsbook workload. It keeps its own OLTP state (players,
// wallet ledger, catalogue, bets) and emits every change as Debezium PostgreSQL JSON records
// into the embedded file log, one OLTP transaction per step (after an initial snapshot), with
// injected source anomalies and Debezium re-deliveries. See docs/simulator.md.
// Not thread-safe.
#include <cstdint>
#include <filesystem>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "simulate/anomaly_injector.h"
#include "simulate/debezium_emitter.h"
#include "simulate/ground_truth.h"
#include "simulate/oltp_state.h"
#include "simulate/rng.h"
#include "simulate/simulator_config.h"

namespace tote {

class FileLogWriter;

class BettingSimulator {
public:
    explicit BettingSimulator(SimulatorConfig config);

    // Emits the next OLTP transaction (or snapshot chunk) and any re-delivery that follows it;
    // returns the records appended (0 once finished()).
    size_t step(FileLogWriter& writer);
    // The same step, told to a ChangeSink as database operations instead of written as records
    // (the Debezium records are still generated and counted, so limits and content match a run
    // into the log with the same configuration).
    size_t step(ChangeSink& sink);
    // Whether every initial row has been given out (the snapshot comes in chunks of steps).
    bool snapshot_done() const { return snapshot_done_; }
    // Regenerates deterministically without writing, up to exactly `records` records, so a
    // restarted simulator continues an existing log (cut at a step boundary). Throws
    // ToteError(Fatal) when `records` is not a step boundary of this configuration.
    void fast_forward(int64_t records);

    uint64_t records_emitted() const { return emitter_.records_emitted(); }
    uint64_t change_events_emitted() const { return emitter_.change_events_emitted(); }
    GroundTruth ground_truth() const;
    bool finished() const;

    const OltpState& state() const { return state_; }
    int64_t now_us() const { return now_us_; }

private:
    enum class TaskKind : uint8_t {
        EventStart,
        EventFinish,
        SettleBet,
        Resettle,
        Correction,
        NewEvent,
        DepositDone,
        WithdrawalDone,
        Chargeback,
        FxDay,
        TruncateStaging,
    };
    struct Task {
        int64_t at_us;
        uint64_t seq;
        TaskKind kind;
        int64_t id;
        bool operator>(const Task& o) const {
            return at_us != o.at_us ? at_us > o.at_us : seq > o.seq;
        }
    };

    size_t step_impl();
    bool snapshot_chunk();
    void build_initial_state();
    void schedule(int64_t at_us, TaskKind kind, int64_t id);
    bool run_task(const Task& t);
    bool run_action();

    // One OLTP transaction each; false when nothing applied (no transaction written).
    bool place_bet();
    bool deposit(int64_t player_id, bool negative_anomaly);
    bool withdrawal();
    bool odds_change();
    bool register_player();
    bool update_player();
    bool cash_out();
    bool renumber_leg();
    bool delete_staging_row();
    bool purge_failed_wallet_tx();
    bool event_start(int64_t event_id);
    bool event_finish(int64_t event_id);
    bool settle_bet(int64_t bet_id);
    bool resettle_bet(int64_t bet_id);
    // Sets the bet's status and payout from its legs' results; returns the ledger credit it is
    // owed (payout, or the stake refunded when every leg is void) and its type.
    std::pair<int64_t, WalletType> settle_outcome(Bet& b, bool forced_loss);
    bool correct_event(int64_t event_id);
    bool new_event(int64_t slot);
    bool deposit_done(int64_t wallet_id);
    bool withdrawal_done(int64_t wallet_id);
    bool chargeback(int64_t wallet_id);
    bool fx_day(int64_t day);
    bool truncate_staging();

    void begin_tx();
    void commit_tx();
    int64_t add_wallet(int64_t player_id, WalletType type, int64_t amount, uint8_t currency,
                       int64_t bet_id, WalletStatus status);
    void emit_create(const WalletTx& w);
    int64_t pick_player();
    int64_t pick_open_event();
    int64_t stake_for(uint8_t currency);
    void taint(int64_t player_id) { state_.player(player_id).clean = false; }
    std::string bet_key(int64_t bet_id) const { return "{\"id\":" + std::to_string(bet_id) + "}"; }
    // Leg results from the selections; returns how many legs are still open.
    size_t refresh_legs(Bet& b, std::vector<size_t>& changed_legs);
    void credit(Player& p, int64_t amount) { p.balance += amount; }

    SimulatorConfig config_;
    Rng rng_;
    DebeziumEmitter emitter_;
    AnomalyInjector injector_;
    OltpState state_;

    int64_t start_us_ = 0;
    int64_t now_us_ = 0;
    int64_t next_arrival_us_ = 0;
    double mean_arrival_us_ = 0;
    uint64_t task_seq_ = 0;
    std::priority_queue<Task, std::vector<Task>, std::greater<Task>> tasks_;

    std::vector<int64_t> slot_event_;
    std::vector<double> slot_cumulative_;
    std::vector<int64_t> open_bets_;        // candidates for cash-out (lazily pruned)
    std::vector<int64_t> recent_accas_;     // candidates for leg renumbering
    std::vector<int64_t> recent_finished_;  // events for bet-on-finished-event anomalies
    std::vector<int64_t> failed_wallet_;    // failed wallet rows a cleanup job may delete
    size_t staging_live_ = 0;
    bool truncate_pending_ = false;

    // Snapshot cursor.
    bool snapshot_done_ = false;
    size_t snap_table_ = 0, snap_row_ = 0, snap_total_ = 0, snap_emitted_ = 0;

    RowCells cells_, cells2_;
};

}  // namespace tote
