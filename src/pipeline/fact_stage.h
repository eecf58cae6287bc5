#pragma once
// The transform stage inside the ingest pipeline: decoded records -> TransactionAssembler ->
// FactBuilder -> KPI contributions -> encoded inserts that the WarehouseWriter runs in the same
// commit as the landing rows, before the resume position (docs/architecture.md, "Exactly once").
//
// State. The assembler's and builder's state is a function of the log only. At start the
// pipeline replays the log from its beginning up to the committed resume position through
// replay() (facts are rebuilt and thrown away, nothing is written), so a restarted process
// continues with exactly the state the crashed one had at that position and writes identical
// rows for everything after it; rows a crashed process wrote beyond its last commit are written
// again, identically, and collapse (ReplacingMergeTree keyed by the fact and its version).
//
// Watermark. The builder is advanced only to the assembler's safe_resume_offset(), so every unit
// still to come starts at or after the point it is advanced to: finalisation depends on the
// stream, never on how records were batched.
//
// KPIs. A fact version writes KPI rows only when its contribution differs from the last one
// written for that fact (kpi_contributions(previous, current) with `previous` = that one). A
// re-emission that changes only the validation verdict writes none; so does the end-of-input
// drain(), whose versions equal those a later natural watermark would give: the KPI chain never
// passes through a version that a restarted process might not emit.
// Not thread-safe.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/change_event.h"
#include "core/log_record.h"
#include "model/betting_mapping.h"
#include "sink/encoded_insert.h"
#include "sink/fact_writer.h"
#include "transform/facts/fact_builder.h"
#include "transform/facts/kpi_contributions.h"
#include "transform/transaction/transaction_assembler.h"

namespace tote {

class StateReader;
class StateWriter;

struct FactStageConfig {
    TransactionAssemblerConfig assembler;
    facts::FactBuilderConfig builder;
    // At the start of a run (the first collect() or drain() after the replay), retract the ETL
    // log entries the drain() of an earlier finite run wrote and nothing has superseded since
    // (etl_log FINAL: provisional = 1, retracted = 0). False for `tote repair`, which rebuilds
    // rows up to the ingest's position rather than continuing after it.
    bool retract_provisional_log = true;
    // Rows (facts, legs, ledger rows, log entries) one batch holds before the builder hands it
    // over in the middle of a unit (FactBuilder::set_spill): the end of a snapshot's window
    // finalises every fact the snapshot read at once. Where batches are cut changes only how
    // the same rows are split into inserts. 0: never cut.
    size_t max_batch_rows = 65536;
};

struct FactStageStats {
    uint64_t units = 0;               // transactions / snapshot units built into facts
    uint64_t incomplete_reports = 0;  // transactions released before they were whole
    uint64_t bet_versions = 0;        // rows written (not counting replay)
    uint64_t leg_versions = 0;
    uint64_t wallet_versions = 0;
    uint64_t dimension_rows = 0;
    uint64_t etl_log_entries = 0;
    uint64_t kpi_rows = 0;
    uint64_t replayed_records = 0;   // records replayed at start to rebuild the state
    uint64_t violations_logged = 0;  // ETL log entries other than incomplete/mapping ones
    uint64_t log_retractions = 0;    // provisional ETL log entries of an earlier run retracted
};

class FactStage {
public:
    FactStage(model::BettingMapping mapping, FactStageConfig config, ClickHouseConnection& conn,
              std::string database);
    FactStage(const FactStage&) = delete;  // the builder's spill callback points at this stage
    FactStage& operator=(const FactStage&) = delete;

    // Feeds one record's decode result, in log order. A change of a table the mapping names is
    // moved out of `result`; one of any other table is left in `result` (its storage stays for
    // the decoder to reuse) and only the stub the assembler needs to account for it is kept
    // (table, op, key, source position, version; no row images).
    void add(DecodeResult& result, Offset offset);
    void add(DecodeResult&& result, Offset offset) { add(result, offset); }
    // A record that carries no change (unreadable by the source): the watermark moves.
    void skip(Offset offset);

    // Builds every unit that is ready and appends the inserts of the facts, dimension rows, ETL
    // log entries and KPI rows it produced to `out` (KPI rows first: FactWriter's order).
    void collect(std::vector<EncodedInsert>& out);
    // The end of a finite input: every pending fact is finalised as if the watermark had passed
    // (transactions still open stay open). Appends the inserts like collect(). The ETL log
    // entries this finalisation finds are written provisional: final only because the input
    // ended (see below).
    void drain(std::vector<EncodedInsert>& out);
    //
    // Provisional ETL log entries. The state after drain() is not a function of the log (a
    // restart rebuilds it by replaying the log, without the drain), so a later run cannot know
    // which of its facts a drain finalised. Instead, the first collect() or drain() of a run
    // that is not replaying reads back the provisional entries still in force in etl_log and
    // writes their retraction (same identity, retracted = 1) as its first insert, ahead of
    // every row of the run; from then on the run writes exactly what one run over the log
    // writes, and a verdict the log still gives is written again (a later row with the same
    // identity wins: etl_log is a ReplacingMergeTree without a version column). So the entries
    // in force after any sequence of finite runs are those of one run over the whole log
    // (docs/architecture.md, point 10). Only the drain writes provisional entries; the query
    // runs once per stage (before any insert of this run is in flight).

    // Replay mode: the same processing, nothing encoded (state rebuild at start).
    void set_replaying(bool on) { replaying_ = on; }
    bool replaying() const { return replaying_; }
    void count_replayed() { ++stats_.replayed_records; }

    // Where fact state beyond FactStageConfig::builder.memory_budget_bytes goes (not owned;
    // kept across load_state). The caller restores its contents with every checkpoint it
    // restores (and empties it when it replays from the log's start).
    void set_cold_state(ColdState* cold) {
        cold_ = cold;
        builder_.set_cold_state(cold);
    }

    const FactStageStats& stats() const { return stats_; }
    const facts::FactBuilder& builder() const { return builder_; }
    const TransactionAssembler& assembler() const { return assembler_; }

    // Checkpoints (src/state/). save_state() writes the whole state that shapes the rows still
    // to come: the assembler's, the builder's (dimensions, per-bet and per-ledger-row state,
    // pending and waiting indexes) and the KPI bases. Call it right after collect(), never after
    // drain(): it is then the state after the records fed so far, as a replay of them leaves it.
    // load_state() replaces the state with one saved by a stage of the same configuration; on
    // unreadable bytes it throws (ToteError, Fatal) and leaves the state as it was.
    void save_state(StateWriter& out) const;
    void load_state(StateReader& in);
    // Describes the configuration that shapes the state (a checkpoint of another one is not
    // used).
    std::string state_fingerprint() const;

private:
    void build_ready(facts::FactBatch& batch);
    // Appends the retraction of the provisional entries in force (once per stage).
    void retract_provisional_log(std::vector<EncodedInsert>& out);
    void emit(facts::FactBatch& batch, std::vector<EncodedInsert>& out);
    // The builder's batch is full in the middle of a unit: emits it into the inserts of the
    // collect() or drain() running (spill_out_).
    void spill(facts::FactBatch& batch);
    template <class Base, class Fact>
    void add_kpis(std::optional<Base>& base, int64_t key, const Fact& current,
                  std::vector<KpiContribution>& kpis);

    model::BettingMapping mapping_;
    FactStageConfig config_;
    TransactionAssembler assembler_;
    facts::FactBuilder builder_;
    ClickHouseConnection& conn_;
    std::string database_;
    FactWriter writer_;
    ColdState* cold_ = nullptr;
    bool replaying_ = false;
    bool provisional_log_settled_ = false;  // retract_provisional_log() has run
    std::vector<EncodedInsert>* spill_out_ =
        nullptr;  // the inserts of the collect()/drain() running
    // In drain(): the ETL log entries of the batch from this index on are provisional.
    size_t provisional_from_ = SIZE_MAX;
    CompleteTransaction unit_;
    IncompleteTransaction report_;
    facts::FactBatch batch_;
    std::vector<KpiContribution> kpis_;
    FactStageStats stats_;
};

}  // namespace tote
