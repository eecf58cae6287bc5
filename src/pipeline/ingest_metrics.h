#pragma once
// The ingest's progress in Prometheus' text exposition format (version 0.0.4), served at
// GET /metrics by the local API of `tote ingest --follow` and `tote demo`
// (docs/operations.md, "Metrics"). Every series carries the consumer as a label: on Kafka the
// consumer names the topic and partition (kafka:<topic>:<partition>).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/ingest_pipeline.h"

namespace tote {

struct IngestMetricsContext {
    std::string consumer;        // the _offsets consumer ("ingest", "kafka:tote.all:0", ...)
    std::string source;          // what is read ("file log", "kafka")
    int64_t resident_bytes = 0;  // the process's resident memory (0: unknown)
};

std::string ingest_metrics_text(const IngestProgress& p, const IngestMetricsContext& ctx);
// Several consumers in one document (`tote ingest --kafka-group`: one per partition held): every
// family's HELP and TYPE once, then each consumer's series.
std::string ingest_metrics_text(
    const std::vector<std::pair<IngestProgress, IngestMetricsContext>>& parts);

// The resident set size of this process from /proc/self/statm (0 when it cannot be read).
int64_t resident_memory_bytes();

}  // namespace tote
