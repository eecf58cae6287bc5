// FactStage checkpoints: save_state / load_state / state_fingerprint (fact_stage.h).
#include <string>
#include <utility>

#include "core/state_reader.h"
#include "core/state_writer.h"
#include "pipeline/fact_stage.h"
#include "transform/facts/fact_state_fields.h"
#include "transform/transaction/transaction_state.h"

namespace tote {

void FactStage::save_state(StateWriter& out) const {
    assembler_.save_state(out);
    builder_.save_state(out);
}

void FactStage::load_state(StateReader& in) {
    // Into fresh parts first: a failure leaves this stage as it was.
    TransactionAssembler assembler(config_.assembler);
    facts::FactBuilder builder(mapping_, config_.builder);
    builder.set_cold_state(cold_);
    assembler.load_state(in);
    builder.load_state(in);
    in.expect_end();
    assembler_ = std::move(assembler);
    builder_ = std::move(builder);
}

std::string FactStage::state_fingerprint() const {
    const auto& a = config_.assembler;
    return "assembler max_offset_lag=" + std::to_string(a.max_offset_lag) +
           " max_later_transactions=" + std::to_string(a.max_later_transactions) +
           " max_buffered_changes=" + std::to_string(a.max_buffered_changes) +
           " remembered_transactions=" + std::to_string(a.remembered_transactions) +
           " unmarked=" + std::to_string(static_cast<int>(a.unmarked)) +
           "; builder watermark_offsets=" + std::to_string(config_.builder.watermark_offsets);
}

}  // namespace tote
