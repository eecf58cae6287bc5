#pragma once
// One ingest job, built from its configuration in one place (the way Vector builds a component
// from its config): the source, the decoder, the warehouse writer and the fact stage, wired into
// an IngestPipeline. `tote ingest`, `tote demo` and `tote repair` only fill an IngestJobConfig;
// a new kind of source (Kafka) is one more SourceKind here.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>

#include "model/mapping_file.h"
#include "pipeline/decoder_config.h"
#include "pipeline/fact_stage.h"
#include "pipeline/ingest_pipeline.h"
#include "sink/warehouse_writer.h"
#include "source/kafka_source_config.h"
#include "source/record_source.h"

namespace tote {

enum class SourceKind {
    FileLog,    // the embedded append-only log: `path` is its folder
    JsonlFile,  // captured Kafka records, one JSON object a line: `path` is the file
    Kafka,      // one partition of one ordered Kafka topic: `kafka`
};

struct SourceConfig {
    SourceConfig() = default;
    SourceConfig(SourceKind k, std::filesystem::path p) : kind(k), path(std::move(p)) {}

    SourceKind kind = SourceKind::FileLog;
    std::filesystem::path path;
    // Kafka: brokers, topic, partition, extra librdkafka properties. The job sets
    // kafka.stop_at_end from IngestConfig::follow (without --follow the run ends at the
    // partition's high watermark as it was when reading started).
    KafkaSourceConfig kafka;
};

// Checkpoints of the fact state (IngestPipeline::set_checkpoints).
struct CheckpointConfig {
    std::filesystem::path dir;           // empty: none (every start replays the whole log)
    uint64_t every_records = 1'000'000;  // write one every this many records (0: never)
};

// The default memory budget of the fact state (`--state-memory-mb`), in MiB.
inline constexpr size_t kDefaultFactStateMemoryMb = 4096;

struct IngestJobConfig {
    SourceConfig source;
    DecoderConfig decoder;
    WarehouseWriterConfig writer;  // database, consumer (resume position), schema check, retries
    bool facts = true;             // false: landing only
    FactStageConfig fact_stage;
    // The source schema -> betting model mapping the facts are built with (`--mapping FILE`);
    // nullopt: the simulator's (mappings/simulator.yaml, built in).
    std::optional<model::MappingFile> mapping;
    IngestConfig ingest;
    CheckpointConfig checkpoints;  // used with facts only
    // With fact_stage.builder.memory_budget_bytes > 0: the folder of the store that holds the
    // fact state beyond the budget (RocksDbColdState; scratch, restored with each checkpoint).
    std::filesystem::path cold_state_dir;
};

class IngestJob {
public:
    // Builds every piece on `conn` (migrations applied, tables checked, resume position read);
    // throws a ToteError that names what is wrong with the configuration or the warehouse.
    IngestJob(ClickHouseConnection& conn, const IngestJobConfig& config);
    ~IngestJob();

    // IngestPipeline::run.
    IngestProgress run(const std::atomic<bool>& stop,
                       const std::function<void(const IngestProgress&)>& on_commit = {},
                       const std::function<void(const IngestProgress&)>& on_ready = {});

    WarehouseWriter& writer() { return *writer_; }
    bool builds_facts() const { return facts_ != nullptr; }

    // `decoder` with the mapping file's source_types appended to its declared columns (after
    // the flags' and the catalog's, so those win).
    static DecoderConfig decoder_with_mapping(const DecoderConfig& decoder,
                                              const model::MappingFile& mapping);

    // The source a config names (for the job, and for tools that only read it).
    static std::unique_ptr<RecordSource> make_source(const SourceConfig& config);

    IngestJob(const IngestJob&) = delete;
    IngestJob& operator=(const IngestJob&) = delete;

private:
    std::unique_ptr<RecordSource> source_;
    std::unique_ptr<Decoder> decoder_;
    std::unique_ptr<WarehouseWriter> writer_;
    std::unique_ptr<FactStage> facts_;
    std::unique_ptr<RocksDbColdState> cold_;
    std::unique_ptr<IngestPipeline> pipeline_;
};

}  // namespace tote
