// tote ingest: land the change stream from the embedded log into the warehouse, exactly once.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include "cli/commands.h"
#include "cli/decoder_options.h"
#include "cli/ingest_status_text.h"
#include "cli/mapping_options.h"
#include "cli/progress_line.h"
#include "cli/warehouse_session.h"
#include "core/json_escape.h"
#include "core/log.h"
#include "oltp/postgres_catalog.h"
#include "pipeline/group_ingest.h"
#include "pipeline/ingest_job.h"
#include "pipeline/ingest_metrics.h"
#include "serve/api_server.h"

namespace tote {

namespace {

// The declared types of the source database's catalog, with a line saying what was read.
std::vector<DeclaredColumn> read_source_catalog(const std::string& url) {
    PgConnection conn(url);
    const std::string where = conn.describe();
    std::vector<DeclaredColumn> out;
    std::vector<std::string> untyped;
    std::set<std::string> tables;
    for (const auto& c : PostgresCatalog::read(conn)) {
        tables.insert(c.identity);
        if (!c.type) {
            untyped.push_back(c.identity + "." + c.column + " (" + c.sql_type + ")");
            continue;
        }
        out.push_back(DeclaredColumn{c.identity, c.column, *c.type,
                                     "declared by the source catalog, " + c.sql_type});
    }
    Log::info("ingest",
              fmt::format("source catalog ({}): {} columns of {} tables typed{}", where, out.size(),
                          tables.size(),
                          untyped.empty() ? ""
                                          : "; typed from their values: " +
                                                fmt::format("{}", fmt::join(untyped, ", "))));
    return out;
}

struct IngestOptions {
    IngestConfig ingest;
    int api_port = 0;
    int dashboard_port = 0;
    std::string consumer;
    std::string jsonl;
    KafkaSourceConfig kafka;
    std::vector<std::string> kafka_topics;
    std::vector<std::string> kafka_properties;
    std::string kafka_group;
    std::string checkpoint_dir;
    size_t insert_lanes = 4;
    DecoderConfig decoder;
    bool no_facts = false;
    bool no_fsync = false;
    FactStageConfig facts;
    std::string mapping;
    std::string source_catalog;
    uint64_t checkpoint_every = CheckpointConfig{}.every_records;
    size_t state_memory_mb = kDefaultFactStateMemoryMb;
};

// What every ingest job of this command runs with, whatever its source: decoding, facts, the
// mapping, batching, durability, the state budget, the insert lanes of a server.
IngestJobConfig job_settings(const CliContext& ctx, const IngestOptions& opts) {
    IngestJobConfig job;
    job.decoder = opts.decoder;
    if (!opts.source_catalog.empty())
        job.decoder.declared_columns = read_source_catalog(opts.source_catalog);
    job.facts = !opts.no_facts;
    job.fact_stage = opts.facts;
    job.mapping = load_mapping_option(opts.mapping);  // a bad file fails here
    job.ingest = opts.ingest;
    job.ingest.sync_source = !opts.no_fsync;
    job.writer.sync_parts = !opts.no_fsync;
    job.fact_stage.builder.memory_budget_bytes = opts.state_memory_mb << 20;
    job.checkpoints.every_records = opts.checkpoint_every;
    if (!ctx.clickhouse_url.empty()) {  // the embedded engine is one connection
        job.writer.insert_lanes = opts.insert_lanes;
        job.writer.open_lane = [&ctx] { return open_for_writing(ctx); };
    }
    return job;
}

// `tote ingest --kafka-group G`: this process joins the group and ingests the partitions it is
// given (GroupIngest), each into its topic's database on the ClickHouse server.
void run_group_ingest(const CliContext& ctx, IngestOptions& opts) {
    if (ctx.clickhouse_url.empty())
        throw ToteError(ErrorClass::Fatal,
                        "--kafka-group needs a ClickHouse server (--clickhouse-url URL): the "
                        "processes of a group share one warehouse, and the embedded one belongs "
                        "to a single process");
    if (!opts.jsonl.empty() || opts.ingest.stop_at_offset >= 0)
        throw ToteError(ErrorClass::Fatal,
                        "--kafka-group reads Kafka until stopped: leave out --jsonl and "
                        "--stop-at-offset");
    GroupIngestConfig config;
    config.group.brokers = opts.kafka.brokers;
    config.group.group = opts.kafka_group;
    for (const auto& p : opts.kafka_properties)
        config.group.properties.push_back(kafka_property(p));
    for (const auto& t : opts.kafka_topics) {
        const size_t eq = t.find('=');
        std::string topic = t.substr(0, eq);
        std::string database = eq == std::string::npos ? ctx.database : t.substr(eq + 1);
        if (topic.empty() || database.empty())
            throw ToteError(ErrorClass::Fatal,
                            "--kafka-topic '" + t + "' is not TOPIC or TOPIC=DATABASE");
        if (config.databases.contains(topic))
            throw ToteError(ErrorClass::Fatal, "--kafka-topic " + topic + " is given twice");
        config.group.topics.push_back(topic);
        config.databases[topic] = database;
    }
    config.group.validate();
    config.job = job_settings(ctx, opts);
    IngestJobConfig& job = config.job;
    job.ingest.follow = true;
    if (opts.checkpoint_every > 0)
        config.checkpoint_root = opts.checkpoint_dir.empty()
                                     ? std::filesystem::path(ctx.data_dir) / "checkpoints"
                                     : std::filesystem::path(opts.checkpoint_dir);
    config.cold_root = std::filesystem::path(ctx.data_dir) / "checkpoints";
    const model::MappingFile mapping =
        job.mapping ? *job.mapping : model::MappingFile::builtin_simulator();
    const bool facts = job.facts;
    auto connect = [&ctx, &mapping, facts](const std::string& database) {
        CliContext c = ctx;
        c.database = database;
        auto conn = open_for_writing(c);
        if (facts) check_mapping_before_ingest(mapping, *conn, database);
        return conn;
    };
    auto on_event = [](const PartitionEvent& e) {
        const std::string where = e.partition.describe();
        const LogFields fields{
            {"partition", where}, {"database", e.database}, {"consumer", e.consumer}};
        switch (e.kind) {
            case PartitionEvent::Kind::Assigned:
                fmt::print("group: {} assigned to this process (database {}, position {})\n", where,
                           e.database, e.consumer);
                break;
            case PartitionEvent::Kind::Ready:
                if (e.progress.restored_checkpoint_offset >= 0)
                    fmt::print(
                        "group: {} restored checkpoint at offset {} ({:.1f} MB)\n", where,
                        with_commas(static_cast<uint64_t>(e.progress.restored_checkpoint_offset)),
                        static_cast<double>(e.progress.restored_checkpoint_bytes) / 1e6);
                for (const auto& note : e.progress.restore_notes) Log::warn("ingest", note, fields);
                fmt::print(
                    "group: {} resuming at offset {} (fact state rebuilt from {} records "
                    "in {:.1f} s)\n",
                    where, with_commas(static_cast<uint64_t>(e.progress.next_offset)),
                    with_commas(e.progress.replayed_records), e.progress.seconds_replaying);
                break;
            case PartitionEvent::Kind::Committed:
                if (Log::enabled(LogLevel::Debug))
                    Log::debug(
                        "ingest",
                        fmt::format("{}: commit to offset {}", where, e.progress.next_offset),
                        fields);
                return;
            case PartitionEvent::Kind::Retrying:
                Log::warn("ingest",
                          fmt::format("{}: retrying after a transient error: {}", where, e.error),
                          fields);
                return;
            case PartitionEvent::Kind::Revoked:
                fmt::print("group: {} revoked{} at offset {} ({} records, {} changes read here)\n",
                           where, e.lost ? " (lost: this process's session had timed out)" : "",
                           with_commas(static_cast<uint64_t>(e.progress.durable_offset)),
                           with_commas(e.progress.records), with_commas(e.progress.changes));
                break;
            case PartitionEvent::Kind::Failed:
                Log::error("ingest", fmt::format("{}: {}", where, e.error), fields);
                return;
        }
        std::fflush(stdout);
    };
    std::map<std::string, std::string> databases = config.databases;
    GroupIngest group(std::move(config), connect, on_event);
    // The local API: GET /metrics with every partition held (consumer label
    // kafka:<topic>:<partition>), POST /status with their progress.
    std::filesystem::create_directories(ctx.data_dir);
    auto api_conn = open_for_reading(ctx);
    const std::string token = ApiServer::new_token();
    ApiServer api(
        *api_conn,
        [&group, &databases, &opts] {
            std::string out = "{\"group\":";
            append_json_string(out, opts.kafka_group);
            out += ",\"partitions\":[";
            bool first = true;
            for (const auto& [tp, p] : group.held()) {
                out += first ? "" : ",";
                first = false;
                out += "{\"partition\":";
                append_json_string(out, tp.describe());
                out += ",\"database\":";
                append_json_string(out, databases.at(tp.topic));
                out += fmt::format(
                    ",\"phase\":\"{}\",\"durable_offset\":{},\"log_end_offset\":{},"
                    "\"records\":{},\"changes\":{},\"dead_letters\":{},\"retries\":{}}}",
                    to_string(p.phase), p.durable_offset, p.log_end_offset, p.records, p.changes,
                    p.dead_letters, p.retries);
            }
            return out + "]}";
        },
        token);
    api.on_get("/metrics", "text/plain; version=0.0.4; charset=utf-8", [&group] {
        std::vector<std::pair<IngestProgress, IngestMetricsContext>> parts;
        const int64_t rss = resident_memory_bytes();
        for (const auto& [tp, p] : group.held())
            parts.emplace_back(
                p, IngestMetricsContext{kafka_consumer_name(tp.topic, tp.partition), "kafka", rss});
        return ingest_metrics_text(parts);
    });
    const std::string api_url = api.start(opts.api_port);
    write_private_file(ctx.api_token_path(), token + "\n");
    write_private_file(ctx.api_url_path(), api_url + "\n");
    struct RemoveOnExit {
        const CliContext& ctx;
        ApiServer& api;
        ~RemoveOnExit() {
            std::error_code ec;
            std::filesystem::remove(ctx.api_url_path(), ec);
            std::filesystem::remove(ctx.api_token_path(), ec);
            api.stop();
        }
    } remove_on_exit{ctx, api};
    fmt::print("group: joining {} on {} for {} topic(s); metrics on {}/metrics; stop with Ctrl-C\n",
               opts.kafka_group, opts.kafka.brokers, databases.size(), api_url);
    std::fflush(stdout);
    const auto done = group.run(g_stop_requested);
    for (const auto& [tp, p] : done)
        fmt::print("group: {} held here last at offset {}\n", tp.describe(),
                   with_commas(static_cast<uint64_t>(p.durable_offset)));
    fmt::print("group: left {}\n", opts.kafka_group);
}

}  // namespace

void add_ingest_command(CLI::App& app, CliContext& ctx) {
    auto opts = std::make_shared<IngestOptions>();
    auto* cmd = app.add_subcommand(
        "ingest",
        "Land the change stream of the embedded log (or of a Kafka topic: --kafka-brokers) into "
        "the warehouse, exactly once.\n"
        "Resumes from the position stored in the warehouse; safe to kill at any time.");
    cmd->add_flag("--follow", opts->ingest.follow,
                  "Keep waiting for new records at the end of the log (stop with Ctrl-C)");
    cmd->add_option("--batch", opts->ingest.batch_records, "Records per commit at most")
        ->capture_default_str();
    cmd->add_option("--max-record-bytes", opts->ingest.max_record_bytes,
                    "A record larger than this (key + value bytes) is dead-lettered, not decoded")
        ->capture_default_str();
    cmd->add_option("--batch-bytes", opts->ingest.batch_bytes,
                    "Bytes (keys + values) of the records per commit at most: bounds the memory "
                    "a batch of large rows takes")
        ->capture_default_str();
    cmd->add_option(
        "--consumer", opts->consumer,
        "Name of the resume position in the warehouse (default: ingest, jsonl for --jsonl, "
        "kafka:<topic>:<partition> for Kafka); a new name re-reads from the start (rows collapse "
        "by source position)");
    auto* jsonl = cmd->add_option("--jsonl", opts->jsonl,
                                  "Read Kafka records captured as JSON lines (as in "
                                  "shared/real-debezium) instead of the embedded log")
                      ->check(CLI::ExistingFile);
    auto* brokers =
        cmd->add_option("--kafka-brokers", opts->kafka.brokers,
                        "Read one partition of a Kafka topic instead of the embedded log: the "
                        "bootstrap brokers HOST:PORT[,HOST:PORT]. The topic must hold the whole "
                        "database in order (one topic, one partition: docs/operations.md). "
                        "Without --follow the run stops at the partition's end as it was at start");
    brokers->excludes(jsonl);
    auto* topic = cmd->add_option(
        "--kafka-topic", opts->kafka_topics,
        "With --kafka-brokers: the topic to read. With --kafka-group: repeatable, TOPIC or "
        "TOPIC=DATABASE (the warehouse database of that topic's source database; default "
        "--database)");
    topic->needs(brokers);
    brokers->needs(topic);
    cmd->add_option("--kafka-group", opts->kafka_group,
                    "With --kafka-brokers and a ClickHouse server (--clickhouse-url): join this "
                    "consumer group; its processes share the topics' partitions (one ordered topic "
                    "per source database), each runs until stopped (as --follow), and a partition "
                    "moves to another process when one joins, leaves or dies "
                    "(docs/operations.md, \"Several processes\")")
        ->needs(brokers);
    cmd->add_option("--insert-lanes", opts->insert_lanes,
                    "With a ClickHouse server (--clickhouse-url): connections a commit's inserts "
                    "run over at once (the position is still written last, after all of them); "
                    "1: one after the other")
        ->capture_default_str()
        ->check(CLI::Range(1, 32));
    cmd->add_option("--checkpoint-dir", opts->checkpoint_dir,
                    "Folder of the fact state's checkpoints (default: the data folder's "
                    "checkpoints/). The processes of one --kafka-group must share it, so a "
                    "partition's next owner restores its state from there");
    cmd->add_option("--kafka-partition", opts->kafka.partition.value,
                    "With --kafka-brokers: the partition to read")
        ->capture_default_str()
        ->needs(brokers);
    cmd->add_option("--kafka-property", opts->kafka_properties,
                    "With --kafka-brokers: an extra librdkafka consumer property key=value "
                    "(repeatable), e.g. security.protocol=SSL or fetch.max.bytes=52428800")
        ->needs(brokers);
    add_decoder_options(*cmd, opts->decoder);
    add_mapping_option(*cmd, opts->mapping);
    cmd->add_option("--source-catalog", opts->source_catalog,
                    "postgresql://… of the source database: the column types of its catalog "
                    "type the landing columns of messages without a value schema (after "
                    "--column-type, before the mapping file's source_types)");
    cmd->add_flag("--no-facts", opts->no_facts,
                  "Land the change stream only: no transaction assembly, fact tables, ETL log or "
                  "KPI tables (for sources that are not a betting OLTP)");
    cmd->add_flag("--no-fsync", opts->no_fsync,
                  "Do not fsync the log and the inserted parts before each commit: faster with "
                  "small commits (--follow), safe against a killed process but not against a "
                  "power loss (docs/benchmarks.md)");
    cmd->add_option("--watermark-offsets", opts->facts.builder.watermark_offsets,
                    "A fact's verdict is final once the log is this many records past its latest "
                    "input (before that, rules a late row could still satisfy are pending)")
        ->capture_default_str();
    cmd->add_option("--stop-at-offset", opts->ingest.stop_at_offset,
                    "Stop once the position reaches this log offset, leaving the verdicts of "
                    "facts whose watermark has not passed pending, as a live ingest at that "
                    "offset would (-1: read to the end of the log)")
        ->capture_default_str();
    cmd->add_option("--checkpoint-every", opts->checkpoint_every,
                    "Checkpoint the fact state every this many records (into the data folder's "
                    "checkpoints/), so a restart replays only the log after the newest one (0: "
                    "no checkpoints; every start replays the whole log)")
        ->capture_default_str();
    cmd->add_option("--state-memory-mb", opts->state_memory_mb,
                    "Memory budget of the fact state, in MiB: beyond it the state of facts that "
                    "wait for nothing moves to a RocksDB store in the data folder's checkpoints/ "
                    "and is read back when a late change needs it (0: no budget; "
                    "docs/operations.md, \"Memory budget\")")
        ->capture_default_str();
    cmd->add_option("--api-port", opts->api_port,
                    "With --follow: port of the local API (0 = any free port)")
        ->capture_default_str();
    cmd->add_option("--dashboard-port", opts->dashboard_port,
                    "With --follow: port of the live dashboard on 127.0.0.1 (0 = any free port, "
                    "-1 = none)")
        ->capture_default_str();
    cmd->callback([opts, &ctx] {
        install_stop_handlers();
        IngestJobConfig job_config;
        std::string consumer = opts->consumer;
        if (!opts->kafka_group.empty()) {
            run_group_ingest(ctx, *opts);
            return;
        }
        if (!opts->kafka.brokers.empty()) {
            for (const auto& p : opts->kafka_properties)
                opts->kafka.properties.push_back(kafka_property(p));
            if (opts->kafka_topics.size() > 1)
                throw ToteError(ErrorClass::Fatal,
                                "--kafka-topic is given " +
                                    std::to_string(opts->kafka_topics.size()) +
                                    " times: one process reads one topic, unless it joins a "
                                    "consumer group (--kafka-group NAME)");
            opts->kafka.topic = opts->kafka_topics.empty() ? "" : opts->kafka_topics.front();
            if (opts->kafka.topic.find('=') != std::string::npos)
                throw ToteError(ErrorClass::Fatal,
                                "--kafka-topic " + opts->kafka.topic +
                                    ": TOPIC=DATABASE is for a consumer group (--kafka-group); "
                                    "a single topic goes to --database");
            opts->kafka.validate();
            job_config.source.kind = SourceKind::Kafka;
            job_config.source.kafka = opts->kafka;
            if (consumer.empty()) consumer = kafka_consumer_name(opts->kafka);
        } else {
            job_config.source = ctx.source(opts->jsonl);
            if (consumer.empty()) consumer = opts->jsonl.empty() ? "ingest" : "jsonl";
        }
        {
            const SourceConfig source = job_config.source;
            job_config = job_settings(ctx, *opts);
            job_config.source = source;
        }
        job_config.writer.database = ctx.database;
        job_config.writer.consumer = consumer;
        if (opts->ingest.stop_at_offset >= 0) job_config.ingest.drain_facts_at_end = false;
        job_config.cold_state_dir = ctx.checkpoint_dir(consumer) / "cold";
        if (opts->checkpoint_every > 0)
            job_config.checkpoints.dir =
                opts->checkpoint_dir.empty()
                    ? ctx.checkpoint_dir(consumer)
                    : std::filesystem::path(opts->checkpoint_dir) / (ctx.database + "." + consumer);
        WarehouseSession session(ctx);
        job_config.writer.check_schema = false;  // WarehouseSession checked the tables
        if (job_config.facts)
            check_mapping_before_ingest(
                job_config.mapping ? *job_config.mapping : model::MappingFile::builtin_simulator(),
                session.connection(), ctx.database);
        IngestJob job(session.connection(), job_config);
        session.set_consumer(consumer, job_config.source.kind == SourceKind::Kafka ? "kafka"
                                       : opts->jsonl.empty()                       ? "file log"
                                                                                   : "json lines");
        if (opts->ingest.follow) {
            session.start_api(opts->api_port);
            if (opts->dashboard_port >= 0) {
                fmt::print("dashboard: {}\n  (one-time link; a fresh one is always in {})\n",
                           session.start_dashboard(opts->dashboard_port),
                           ctx.dashboard_url_path().string());
                std::fflush(stdout);
            }
        }
        const bool facts = job.builds_facts();
        ProgressLine line;
        bool restore_told = false;
        IngestProgress logged;  // what was logged already
        Log::info("ingest", "starting as consumer " + consumer, {{"consumer", consumer}});
        size_t notes_told = 0;  // landing notes (declared type changes) logged so far
        auto tell_notes = [&](const IngestProgress& p) {
            if (p.landing_notes.size() <= notes_told) return;
            line.finish();
            for (; notes_told < p.landing_notes.size(); ++notes_told)
                Log::warn("ingest", p.landing_notes[notes_told]);
        };
        auto done = job.run(
            g_stop_requested,
            [&](const IngestProgress& p) {
                session.set_progress(p);
                // Log lines for what an operator watches (docs/operations.md, "Logs").
                if (p.retries > logged.retries) {
                    Log::warn("ingest",
                              fmt::format("retrying after a transient error ({} so far): {}",
                                          p.retries, p.last_retry_error),
                              {{"consumer", consumer}, {"retries", std::to_string(p.retries)}});
                    logged.retries = p.retries;
                }
                if (p.checkpoints_written > logged.checkpoints_written) {
                    Log::info("ingest",
                              fmt::format("checkpoint written at offset {}",
                                          with_commas(static_cast<uint64_t>(
                                              std::max<int64_t>(p.last_checkpoint_offset, 0)))),
                              {{"consumer", consumer},
                               {"offset", std::to_string(p.last_checkpoint_offset)}});
                    logged.checkpoints_written = p.checkpoints_written;
                }
                if (!p.last_checkpoint_error.empty() &&
                    p.last_checkpoint_error != logged.last_checkpoint_error) {
                    Log::warn("ingest", "checkpoint failed: " + p.last_checkpoint_error,
                              {{"consumer", consumer}});
                    logged.last_checkpoint_error = p.last_checkpoint_error;
                }
                if (p.commits > logged.commits && Log::enabled(LogLevel::Debug)) {
                    Log::debug("ingest",
                               fmt::format("commit to offset {}: {} changes, {} dead letters",
                                           p.next_offset, p.changes, p.dead_letters),
                               {{"consumer", consumer},
                                {"offset", std::to_string(p.next_offset)},
                                {"changes", std::to_string(p.changes)},
                                {"dead_letters", std::to_string(p.dead_letters)}});
                    logged.commits = p.commits;
                }
                if (p.phase == IngestPhase::Restoring) {
                    if (!restore_told) {  // once, before the replay
                        restore_told = true;
                        line.finish();
                        for (const auto& note : p.restore_notes) Log::warn("ingest", note);
                        if (p.restored_checkpoint_offset >= 0)
                            fmt::print(
                                "ingest: restored checkpoint at offset {} ({:.1f} MB) in {:.1f} "
                                "s; replaying the {} records after it\n",
                                with_commas(static_cast<uint64_t>(p.restored_checkpoint_offset)),
                                static_cast<double>(p.restored_checkpoint_bytes) / 1e6,
                                p.seconds_loading_checkpoint, with_commas(p.restore_total));
                        std::fflush(stdout);
                    }
                    line.update("ingest: " + ingest_status_text(p));
                    return;
                }
                tell_notes(p);
                line.update(fmt::format(
                    "ingest: {} | {} changes | {} dead letters | {} bet facts | {} violations{}",
                    ingest_status_text(p), with_commas(p.changes), with_commas(p.dead_letters),
                    with_commas(p.bet_versions), with_commas(p.violations_logged),
                    p.retries > 0 ? fmt::format(" | {} retries (last: {})", with_commas(p.retries),
                                                p.last_retry_error)
                                  : std::string()));
            },
            [&](const IngestProgress& p) {
                line.finish();
                if (facts)
                    fmt::print("ingest: fact state rebuilt from {} records in {:.1f} s\n",
                               with_commas(p.replayed_records), p.seconds_replaying);
                fmt::print("ingest: resuming at offset {}; {}\n",
                           with_commas(static_cast<uint64_t>(p.next_offset)),
                           ingest_status_text(p));
                std::fflush(stdout);
            });
        line.finish();
        tell_notes(done);
        if (facts)
            fmt::print(
                "facts: rebuilt state from {} records in {:.1f} s; {} transactions built, {} bet "
                "and {} ledger fact versions, {} violations logged, {} transactions incomplete, "
                "{} facts pending\n",
                with_commas(done.replayed_records), done.seconds_replaying,
                with_commas(done.fact_units), with_commas(done.bet_versions),
                with_commas(done.wallet_versions), with_commas(done.violations_logged),
                with_commas(done.incomplete_transactions), with_commas(done.pending_facts));
        if (facts && done.state_budget_bytes > 0)
            fmt::print(
                "fact state: {:.1f} MB held of a {:.0f} MB budget; {} states moved to the cold "
                "store, {} read back\n",
                static_cast<double>(done.state_bytes) / 1e6,
                static_cast<double>(done.state_budget_bytes) / (1 << 20),
                with_commas(done.state_evicted), with_commas(done.state_cold_reads));
        if (done.checkpoints_written > 0 || !done.last_checkpoint_error.empty())
            fmt::print("checkpoints: {} written ({:.1f} s), the newest at offset {}{}\n",
                       with_commas(done.checkpoints_written), done.seconds_checkpointing,
                       done.last_checkpoint_offset < 0
                           ? std::string("(none)")
                           : with_commas(static_cast<uint64_t>(done.last_checkpoint_offset)),
                       done.last_checkpoint_error.empty()
                           ? std::string()
                           : "; the last one failed: " + done.last_checkpoint_error);
        if (done.snapshot_reads > 0)
            fmt::print(
                "snapshot: {} of the changes are rows read by a Debezium snapshot (op r, no "
                "transaction metadata), landed below any later change of their key\n",
                with_commas(done.snapshot_reads));
        fmt::print(
            "ingested {} records ({} changes, {} dead letters) in {:.1f} s; warehouse at offset "
            "{}\n",
            with_commas(done.records), with_commas(done.changes), with_commas(done.dead_letters),
            done.seconds, with_commas(static_cast<uint64_t>(done.next_offset)));
    });
}

}  // namespace tote
