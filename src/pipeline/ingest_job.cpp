#include "pipeline/ingest_job.h"

#include "core/error.h"

#include "source/file_log_reader.h"
#include "source/jsonl_file_source.h"
#include "source/kafka_source.h"

namespace tote {

std::unique_ptr<RecordSource> IngestJob::make_source(const SourceConfig& config) {
    switch (config.kind) {
        case SourceKind::FileLog:
            return std::make_unique<FileLogReader>(config.path);
        case SourceKind::JsonlFile:
            return std::make_unique<JsonlFileSource>(config.path);
        case SourceKind::Kafka:
            return std::make_unique<KafkaSource>(config.kafka);
    }
    return nullptr;
}

DecoderConfig IngestJob::decoder_with_mapping(const DecoderConfig& decoder,
                                              const model::MappingFile& mapping) {
    DecoderConfig out = decoder;
    for (const auto& t : mapping.source_types())
        out.declared_columns.push_back(
            DeclaredColumn{t.table, t.column, t.type,
                           "declared by " + mapping.origin() + ":" + std::to_string(t.line)});
    return out;
}

IngestJob::IngestJob(ClickHouseConnection& conn, const IngestJobConfig& config) {
    const model::MappingFile mapping =
        config.mapping ? *config.mapping : model::MappingFile::builtin_simulator();
    const DecoderConfig decoder = decoder_with_mapping(config.decoder, mapping);
    decoder_ = decoder.make_decoder();  // a bad flag fails before anything is opened
    SourceConfig source = config.source;
    source.kafka.stop_at_end = !config.ingest.follow;
    source_ = make_source(source);
    writer_ = std::make_unique<WarehouseWriter>(conn, config.writer);
    if (config.facts)
        facts_ = std::make_unique<FactStage>(mapping.mapping(), config.fact_stage, conn,
                                             config.writer.database);
    pipeline_ = std::make_unique<IngestPipeline>(*source_, *decoder_, *writer_, config.ingest,
                                                 facts_.get());
    const bool budgeted = facts_ && config.fact_stage.builder.memory_budget_bytes > 0;
    if (budgeted) {
        if (config.cold_state_dir.empty())
            throw ToteError(ErrorClass::Fatal,
                            "a fact state memory budget needs a folder for the state beyond it "
                            "(IngestJobConfig::cold_state_dir)");
        cold_ = std::make_unique<RocksDbColdState>(config.cold_state_dir);
        facts_->set_cold_state(cold_.get());
        pipeline_->set_cold_state(cold_.get());
    }
    if (facts_ && !config.checkpoints.dir.empty()) {
        // What shapes the state besides the log: a checkpoint of another one is not used.
        std::string fingerprint = facts_->state_fingerprint() + "; " + mapping.digest() +
                                  "; decoder " + config.decoder.format;
        for (const auto& m : config.decoder.money_columns) fingerprint += " money=" + m;
        for (const auto& s : config.decoder.decimal_scales) fingerprint += " scale=" + s;
        for (const auto& k : config.decoder.primary_keys) fingerprint += " key=" + k;
        for (const auto& d : decoder.declarations())
            fingerprint += " type=" + d.table + "." + d.column + "=" + d.type.text();
        if (!decoder.declarations().empty()) fingerprint += " decimal_mode=" + decoder.decimal_mode;
        // Which records are too large to decode shapes the state as much as the decoder does.
        fingerprint += " max_record_bytes=" + std::to_string(config.ingest.max_record_bytes);
        // A checkpoint of a budgeted run needs its cold store copy (the budget's size does not
        // matter: what left memory comes back on demand).
        fingerprint += budgeted ? " cold_state=on" : " cold_state=off";
        pipeline_->set_checkpoints(std::make_unique<CheckpointStore>(config.checkpoints.dir),
                                   config.checkpoints.every_records, std::move(fingerprint));
    }
}

IngestJob::~IngestJob() = default;

IngestProgress IngestJob::run(const std::atomic<bool>& stop,
                              const std::function<void(const IngestProgress&)>& on_commit,
                              const std::function<void(const IngestProgress&)>& on_ready) {
    return pipeline_->run(stop, on_commit, on_ready);
}

}  // namespace tote
