#include "pipeline/fact_stage.h"

#include <iterator>
#include <limits>
#include <utility>
#include <variant>

#include "core/error.h"
#include "sink/sql_text.h"

namespace tote {

namespace {

// The contribution of one fact version with the version key blanked: equal when the version
// would add exactly what `base` added.
template <class Fact>
std::vector<KpiContribution> values_of(const Fact& f) {
    auto rows = kpi_contributions(nullptr, f);
    for (auto& r : rows) r.fact_version = 0;
    return rows;
}

int64_t key_of(const facts::FactBet& f) {
    return f.bet_id;
}
int64_t key_of(const facts::FactWalletTransaction& f) {
    return f.id;
}

}  // namespace

FactStage::FactStage(model::BettingMapping mapping, FactStageConfig config,
                     ClickHouseConnection& conn, std::string database)
    : mapping_(mapping),
      config_(config),
      assembler_(config.assembler),
      builder_(std::move(mapping), config.builder),
      conn_(conn),
      database_(database),
      writer_(conn, std::move(database)) {
    builder_.set_spill([this](facts::FactBatch& b) { spill(b); }, config_.max_batch_rows);
}

void FactStage::add(DecodeResult& result, Offset offset) {
    auto* change = std::get_if<ChangeEvent>(&result);
    if (!change) {
        assembler_.add(std::move(result), offset);
        return;
    }
    ChangeEvent kept;
    if (builder_.maps_table(change->table)) {
        kept = std::move(*change);
    } else {
        // Outside the betting model: the builder ignores it, the assembler counts it.
        kept.table = change->table;
        kept.op = change->op;
        kept.key = change->key;
        kept.source = change->source;
        kept.version = change->version;
    }
    assembler_.add_change(std::move(kept), offset);
}

void FactStage::skip(Offset offset) {
    assembler_.skip(offset);
}

void FactStage::build_ready(facts::FactBatch& batch) {
    while (assembler_.pop(unit_)) {
        builder_.add(unit_, batch);
        ++stats_.units;
    }
    while (assembler_.pop_report(report_)) ++stats_.incomplete_reports;
    // Every unit still to come starts at or after this offset (see the header).
    builder_.advance(assembler_.safe_resume_offset().value, batch);
}

template <class Base, class Fact>
void FactStage::add_kpis(std::optional<Base>& base, int64_t key, const Fact& current,
                         std::vector<KpiContribution>& kpis) {
    if (!base) {
        auto rows = kpi_contributions(nullptr, current);
        kpis.insert(kpis.end(), std::make_move_iterator(rows.begin()),
                    std::make_move_iterator(rows.end()));
        base = Base::of(current);
        return;
    }
    if (current.version <= base->version) return;  // a re-emission: written already
    if (base->same_inputs(current)) return;        // same contribution: nothing
    const Fact previous = base->to_fact(key);
    if (values_of(current) == values_of(previous)) return;  // different inputs, same values
    auto rows = kpi_contributions(&previous, current);
    kpis.insert(kpis.end(), std::make_move_iterator(rows.begin()),
                std::make_move_iterator(rows.end()));
    base = Base::of(current);
}

void FactStage::retract_provisional_log(std::vector<EncodedInsert>& out) {
    provisional_log_settled_ = true;
    if (!config_.retract_provisional_log) return;
    const std::string sql =
        "SELECT rule, severity, entity, entity_key, version, log_offset, details FROM " +
        sql_table(database_, "etl_log") +
        " FINAL WHERE provisional = 1 AND retracted = 0 ORDER BY rule, entity, entity_key, version";
    std::vector<facts::EtlLogEntry> retractions;
    for (auto& row : parse_tsv(conn_.query(sql))) {
        if (row.size() != 7)
            throw ToteError(ErrorClass::Fatal, "unexpected row shape in " + database_ +
                                                   ".etl_log (provisional entries)");
        facts::EtlLogEntry e;
        e.rule = std::move(row[0]);
        e.severity = std::move(row[1]);
        e.entity = std::move(row[2]);
        e.entity_key = std::move(row[3]);
        e.version = std::stoull(row[4]);
        e.log_offset = std::stoll(row[5]);
        e.details = std::move(row[6]);
        e.provisional = true;
        e.retracted = true;
        retractions.push_back(std::move(e));
    }
    stats_.log_retractions += retractions.size();
    writer_.encode_log(retractions, out);
}

void FactStage::emit(facts::FactBatch& batch, std::vector<EncodedInsert>& out) {
    // Before any row of this run, in an insert of its own: every later row with the same
    // identity wins over the retraction.
    if (!replaying_ && !provisional_log_settled_) retract_provisional_log(out);
    kpis_.clear();
    for (const auto& b : batch.bets)
        add_kpis(builder_.bet_kpi_base(key_of(b)), key_of(b), b, kpis_);
    for (const auto& w : batch.wallet)
        add_kpis(builder_.wallet_kpi_base(key_of(w)), key_of(w), w, kpis_);
    if (!replaying_) {
        stats_.bet_versions += batch.bets.size();
        stats_.leg_versions += batch.legs.size();
        stats_.wallet_versions += batch.wallet.size();
        stats_.etl_log_entries += batch.log.size();
        for (const auto& e : batch.log)
            if (e.rule != "incomplete_transaction" && e.rule != "mapping_error")
                ++stats_.violations_logged;
        stats_.kpi_rows += kpis_.size();
        writer_.encode(batch, kpis_, out);
    }
    batch.clear();
}

void FactStage::spill(facts::FactBatch& batch) {
    if (!spill_out_) return;  // outside collect()/drain(): the batch waits for the next one
    if (provisional_from_ != SIZE_MAX) {
        for (size_t i = provisional_from_; i < batch.log.size(); ++i)
            batch.log[i].provisional = true;
        provisional_from_ = 0;  // the batch starts empty again
    }
    emit(batch, *spill_out_);
}

void FactStage::collect(std::vector<EncodedInsert>& out) {
    spill_out_ = &out;
    build_ready(batch_);
    emit(batch_, out);
    spill_out_ = nullptr;
    builder_.evict_to_budget();  // the batch's KPI bases are taken: its states may leave
}

void FactStage::drain(std::vector<EncodedInsert>& out) {
    spill_out_ = &out;
    build_ready(batch_);
    provisional_from_ = batch_.log.size();
    builder_.advance(std::numeric_limits<int64_t>::max() / 2, batch_);
    // Final only because the input ended: the next run retracts them (see the header).
    for (size_t i = provisional_from_; i < batch_.log.size(); ++i) batch_.log[i].provisional = true;
    provisional_from_ = SIZE_MAX;
    emit(batch_, out);
    spill_out_ = nullptr;
}

}  // namespace tote
