#include "pipeline/ingest_metrics.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <utility>
#include <vector>

namespace tote {

namespace {

// A label value: backslash, double quote and newline escaped.
std::string label_value(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"')
            out += '\\', out += c;
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// Metric families in the order first written; each family's HELP and TYPE once, then the
// series of every label set (one per consumer) written under it.
class Writer {
public:
    void set_labels(std::string labels) { labels_ = std::move(labels); }

    void metric(std::string_view name, std::string_view type, std::string_view help, double value,
                std::string_view extra_label = {}) {
        std::string& out = family(name, type, help);
        out += std::string(name) + "{" + labels_;
        if (!extra_label.empty()) out += "," + std::string(extra_label);
        out += "} " + number(value) + "\n";
    }

    void histogram(std::string_view name, std::string_view help, const Histogram& h) {
        std::string& out = family(name, "histogram", help);
        const std::string base(name);
        for (size_t i = 0; i < h.bounds().size(); ++i)
            out += base + "_bucket{" + labels_ + ",le=\"" + number(h.bounds()[i]) + "\"} " +
                   std::to_string(h.cumulative_counts()[i]) + "\n";
        out += base + "_bucket{" + labels_ + ",le=\"+Inf\"} " + std::to_string(h.count()) + "\n";
        out += base + "_sum{" + labels_ + "} " + number(h.sum()) + "\n";
        out += base + "_count{" + labels_ + "} " + std::to_string(h.count()) + "\n";
    }

    std::string take() {
        std::string out;
        for (auto& f : families_) out += f.second;
        families_.clear();
        return out;
    }

private:
    std::string& family(std::string_view name, std::string_view type, std::string_view help) {
        for (auto& f : families_)
            if (f.first == name) return f.second;
        families_.emplace_back(std::string(name), "# HELP " + std::string(name) + " " +
                                                      std::string(help) + "\n# TYPE " +
                                                      std::string(name) + " " + std::string(type) +
                                                      "\n");
        return families_.back().second;
    }

    std::string labels_;
    std::vector<std::pair<std::string, std::string>> families_;  // name, text
};

}  // namespace

int64_t resident_memory_bytes() {
    std::ifstream statm("/proc/self/statm");
    long long pages_total = 0, pages_resident = 0;
    if (!(statm >> pages_total >> pages_resident)) return 0;
    return static_cast<int64_t>(pages_resident) * ::sysconf(_SC_PAGESIZE);
}

namespace {

void write_progress(Writer& w, const IngestProgress& p, const IngestMetricsContext& ctx) {
    w.set_labels("consumer=\"" + label_value(ctx.consumer) + "\"");
    const auto u = [](uint64_t v) { return static_cast<double>(v); };
    const auto i = [](int64_t v) { return static_cast<double>(v); };
    w.metric("tote_ingest_info", "gauge", "What the ingest reads; the value is always 1.", 1,
             "source=\"" + label_value(ctx.source) + "\"");
    w.metric("tote_ingest_phase", "gauge",
             "1 for the phase the ingest is in (starting, restoring state, catching up, waiting "
             "for input, done).",
             1, "phase=\"" + std::string(to_string(p.phase)) + "\"");
    w.metric("tote_ingest_records_total", "counter", "Log records read by this process.",
             u(p.records));
    w.metric("tote_ingest_changes_total", "counter",
             "Change events landed (committed or in the commit in flight).", u(p.changes));
    w.metric("tote_ingest_dead_letters_total", "counter",
             "Records written to _dead_letters by this process.", u(p.dead_letters));
    w.metric("tote_ingest_commits_total", "counter", "Commits issued.", u(p.commits));
    w.metric("tote_ingest_retries_total", "counter",
             "Retriable warehouse errors retried in-process.", u(p.retries));
    w.metric("tote_consumer_position", "gauge",
             "Log offset after the newest commit issued (the resume position once durable).",
             i(p.next_offset));
    w.metric("tote_consumer_durable_position", "gauge",
             "Log offset whose data and position are durable in the warehouse.",
             i(p.durable_offset));
    if (p.log_end_offset >= 0) {
        w.metric("tote_source_end_offset", "gauge", "Offset after the newest record of the log.",
                 i(p.log_end_offset));
        w.metric("tote_consumer_lag_records", "gauge",
                 "Records in the log not yet durable in the warehouse (end - durable position).",
                 i(std::max<int64_t>(p.log_end_offset - p.durable_offset, 0)));
    }
    if (p.last_commit_ts_ms > 0)
        w.metric("tote_last_source_commit_timestamp_seconds", "gauge",
                 "OLTP commit time of the newest change landed (Unix seconds).",
                 static_cast<double>(p.last_commit_ts_ms) / 1000.0);
    w.histogram("tote_commit_duration_seconds",
                "A commit (landing rows, facts, then the position) from issue to durable.",
                p.commit_seconds);
    w.histogram("tote_freshness_seconds",
                "Newest change of a commit: OLTP commit time to durable in the warehouse.",
                p.freshness_seconds);
    w.histogram("tote_commit_records", "Log records a commit covers.", p.batch_records);
    w.metric("tote_fact_transactions_total", "counter", "OLTP transactions built into facts.",
             u(p.fact_units));
    w.metric("tote_fact_bet_versions_total", "counter", "fact_bet rows written.",
             u(p.bet_versions));
    w.metric("tote_fact_wallet_versions_total", "counter", "fact_wallet_transaction rows written.",
             u(p.wallet_versions));
    w.metric("tote_etl_log_violations_total", "counter", "Rule violations written to etl_log.",
             u(p.violations_logged));
    w.metric("tote_incomplete_transactions_total", "counter",
             "Transactions released before they were whole (logged).",
             u(p.incomplete_transactions));
    w.metric("tote_facts_pending", "gauge", "Facts whose verdict waits for the watermark.",
             u(p.pending_facts));
    w.metric("tote_state_bets", "gauge", "Bets held in the fact state.", u(p.state_bets));
    w.metric("tote_state_wallet_rows", "gauge", "Ledger rows held in the fact state.",
             u(p.state_wallet_rows));
    w.metric("tote_state_dimension_rows", "gauge", "Dimension rows held in the fact state.",
             u(p.state_dimension_rows));
    w.metric("tote_state_open_transactions", "gauge", "OLTP transactions open in the assembler.",
             u(p.state_open_transactions));
    w.metric("tote_state_bytes", "gauge",
             "Estimated bytes of per-bet and per-ledger-row state held in memory.",
             u(p.state_bytes));
    w.metric("tote_state_budget_bytes", "gauge",
             "Memory budget of that state (--state-memory-mb; 0: none).", u(p.state_budget_bytes));
    w.metric("tote_state_evicted_total", "counter",
             "Fact states moved from memory to the cold store (RocksDB).", u(p.state_evicted));
    w.metric("tote_state_cold_reads_total", "counter",
             "Fact states read back from the cold store for a late change.", u(p.state_cold_reads));
    w.metric("tote_checkpoints_written_total", "counter", "Fact-state checkpoints written.",
             u(p.checkpoints_written));
    if (ctx.resident_bytes > 0)
        w.metric("tote_process_resident_memory_bytes", "gauge",
                 "Resident memory of the tote process.", i(ctx.resident_bytes));
}

}  // namespace

std::string ingest_metrics_text(const IngestProgress& p, const IngestMetricsContext& ctx) {
    Writer w;
    write_progress(w, p, ctx);
    return w.take();
}

std::string ingest_metrics_text(
    const std::vector<std::pair<IngestProgress, IngestMetricsContext>>& parts) {
    Writer w;
    for (const auto& [p, ctx] : parts) write_progress(w, p, ctx);
    return w.take();
}

}  // namespace tote
