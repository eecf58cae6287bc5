// Benchmark: simulator log -> decode -> embedded warehouse, in one process.
// Prints change events per second, CPU seconds per million change events (all threads of the
// process, the embedded engine's included) and peak RSS. Not a test: it asserts nothing.
//
// usage: ingest_bench [change_events=1000000] [batch=250000] [facts=1] [durable=1]
//                     [checkpoint_every=0] [state_memory_mb=0] [restart=1] [players=10000]
//                     [bare_passes=3] [retention=0] [stream=0]
// facts=1: the whole ingest (landing + transaction assembly, fact tables, ETL log, KPI rows, as
// `tote ingest` runs it); facts=0: landing only (`tote ingest --no-facts`). With facts, a second
// phase measures the start-up replay that rebuilds the fact state from the whole log.
// durable=1: inserted parts fsynced (WarehouseWriterConfig::sync_parts) and the log fdatasync'ed
// before each position (IngestConfig::sync_source), as `tote ingest` runs; durable=0: neither;
// 2: the log only; 3: the parts only.
// checkpoint_every=N > 0: the ingest checkpoints its fact state every N records (as
// `tote ingest --checkpoint-every N`), and the restart is measured twice: restoring the newest
// checkpoint and replaying the log after it, and (checkpoints off) replaying the whole log.
// state_memory_mb=M > 0: the fact state's memory budget (`tote ingest --state-memory-mb M`); the
// state beyond it goes to the RocksDB cold store in the bench's folder.
// restart=0: skip the restart phase (for profiling the ingest alone with `perf record`);
// restart=2: measure only the restart from the checkpoint, not the full replay (at 50M change
// events the full replay would take over an hour).
// players=P (0: the default, 10000): players in the simulator's initial snapshot
// (SimulatorConfig::players; each one is a change event of the snapshot, so P counts towards
// change_events).
// bare_passes=K: passes of the bare simdjson yardstick (the fastest counts); 0 skips it.
// retention=1 (with checkpoint_every): as Kafka's retention would, the bench frees the log's
// bytes before the oldest checkpoint kept (punches a hole in records.log, whose size and
// offsets stay), so a log larger than the free disk can be ingested; the full replay is then
// impossible (restart=2 is implied) and the bare pass runs before the ingest.
// stream=1 (implies retention=1, bare_passes=0): the simulator writes the log in a thread of its
// own while the ingest follows it (`tote ingest --follow`), at most kStreamWindow records ahead,
// so the log never exists whole on disk (50M+ change events are ~0.93 GB each million); the
// simulator thread's CPU is not counted in the ingest's, its memory is in the peak RSS.
// The bench's folder is under TMPDIR (std::filesystem::temp_directory_path()).
#include <fcntl.h>
#include <fmt/format.h>
#include <pthread.h>
#include <simdjson.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "pipeline/ingest_job.h"
#include "pipeline/simulation_runner.h"
#include "sink/embedded_clickhouse.h"
#include "source/file_log_reader.h"
#include "state/checkpoint_store.h"

namespace {
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// The yardstick of issue 13 point 5: a bare simdjson On-Demand pass that reads the fields the
// decoder reads (op, the source block's table/schema/db/lsn/txId/ts_ms/snapshot,
// transaction.total_order, every column of before/after; status/id/event_count/ts_ms of a
// transaction marker) from every record of the log, and nothing else. Returns the CPU seconds
// of the parsing alone (reading the log is not counted); `sink` keeps the reads alive.
double bare_on_demand_pass(const std::filesystem::path& log_dir, uint64_t& sink) {
    tote::FileLogReader reader(log_dir);
    reader.seek(tote::LogPosition{});
    simdjson::ondemand::parser parser;
    std::string padded;
    std::vector<tote::LogRecord> batch;
    double cpu = 0;
    auto scalar = [&](simdjson::ondemand::value v) {
        simdjson::ondemand::json_type t;
        if (v.type().get(t)) return;
        switch (t) {
            case simdjson::ondemand::json_type::number: {
                int64_t i = 0;
                double d = 0;
                if (!v.get_int64().get(i))
                    sink += static_cast<uint64_t>(i);
                else if (!v.get_double().get(d))
                    sink += static_cast<uint64_t>(d);
                break;
            }
            case simdjson::ondemand::json_type::string: {
                std::string_view sv;
                if (!v.get_string().get(sv)) sink += sv.size();
                break;
            }
            case simdjson::ondemand::json_type::boolean: {
                bool b = false;
                if (!v.get_bool().get(b)) sink += b;
                break;
            }
            default:
                break;
        }
    };
    auto row = [&](simdjson::ondemand::value v) {
        simdjson::ondemand::object o;
        if (v.get_object().get(o)) return;  // null
        for (auto field : o) {
            std::string_view name;
            if (field.unescaped_key().get(name)) return;
            sink += name.size();
            scalar(field.value());
        }
    };
    while (reader.poll(batch, 4096) > 0) {
        const double c0 = thread_cpu_seconds();
        for (const tote::LogRecord& r : batch) {
            if (!r.value) continue;
            const std::string& text = *r.value;
            simdjson::padded_string_view view;
            if (text.capacity() >= text.size() + simdjson::SIMDJSON_PADDING) {
                view = simdjson::padded_string_view(text.data(), text.size(), text.capacity());
            } else {
                padded.assign(text);
                padded.reserve(text.size() + simdjson::SIMDJSON_PADDING);
                view =
                    simdjson::padded_string_view(padded.data(), padded.size(), padded.capacity());
            }
            simdjson::ondemand::document doc;
            if (parser.iterate(view).get(doc)) continue;
            simdjson::ondemand::object top;
            if (doc.get_object().get(top)) continue;
            for (auto field : top) {
                std::string_view k;
                if (field.unescaped_key().get(k)) break;
                if (k == "before" || k == "after") {
                    row(field.value());
                } else if (k == "source" || k == "transaction") {
                    simdjson::ondemand::object o;
                    if (field.value().get_object().get(o)) continue;
                    for (auto sf : o) {
                        std::string_view sk;
                        if (sf.unescaped_key().get(sk)) break;
                        if (sk == "table" || sk == "schema" || sk == "db" || sk == "lsn" ||
                            sk == "txId" || sk == "ts_ms" || sk == "snapshot" ||
                            sk == "total_order")
                            scalar(sf.value());
                    }
                } else if (k == "op" || k == "status" || k == "id" || k == "event_count" ||
                           k == "ts_ms") {
                    scalar(field.value());
                }
            }
        }
        cpu += thread_cpu_seconds() - c0;
        batch.clear();
    }
    return cpu;
}

// The byte position in the log of a checkpoint file's meta (state/checkpoint_store.h: the
// header is "TOTECKPT" | u32 version | u32 crc | u32 crc | u64 | u64 (36 bytes), then i64
// next_offset | i64 byte_position); read without loading the state. -1 if unreadable.
int64_t checkpoint_byte_position(const std::filesystem::path& file) {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) return -1;
    unsigned char buf[52] = {};
    const bool ok = std::fread(buf, 1, sizeof buf, f) == sizeof buf;
    std::fclose(f);
    if (!ok || std::string_view(reinterpret_cast<char*>(buf), 8) != "TOTECKPT") return -1;
    int64_t pos = 0;
    for (int i = 7; i >= 0; --i) pos = (pos << 8) | buf[44 + i];
    return pos;
}

// Log retention as Kafka's would be: frees the bytes of DIR/records.log before the oldest
// checkpoint kept (the restart needs nothing before it), keeping the file's size.
class LogRetention {
public:
    LogRetention(std::filesystem::path log_file, std::filesystem::path checkpoint_dir)
        : log_file_(std::move(log_file)), checkpoint_dir_(std::move(checkpoint_dir)) {}
    void apply() {
        std::error_code ec;
        if (!std::filesystem::exists(checkpoint_dir_, ec)) return;
        std::vector<std::pair<int64_t, std::filesystem::path>> files;
        try {
            files = tote::CheckpointStore(checkpoint_dir_).list();
        } catch (const std::exception&) {
            return;  // a checkpoint being written or removed meanwhile: next commit
        }
        if (files.empty()) return;
        const int64_t upto = checkpoint_byte_position(files.back().second) & ~int64_t{4095};
        if (upto <= freed_) return;
        const int fd = ::open(log_file_.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) return;
        if (::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, freed_, upto - freed_) == 0)
            freed_ = upto;
        else
            std::perror("fallocate(PUNCH_HOLE) of the log");
        ::close(fd);
    }
    int64_t freed() const { return freed_; }

private:
    std::filesystem::path log_file_;
    std::filesystem::path checkpoint_dir_;
    int64_t freed_ = 0;
};

long peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}
}  // namespace

int main(int argc, char** argv) {
    using namespace tote;
    const uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    const size_t batch = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 250000;
    const bool with_facts = argc > 3 ? std::strtoull(argv[3], nullptr, 10) != 0 : true;
    const unsigned durable =
        argc > 4 ? static_cast<unsigned>(std::strtoul(argv[4], nullptr, 10)) : 1;
    const bool sync_parts = durable == 1 || durable == 3;
    const bool sync_log = durable == 1 || durable == 2;
    const uint64_t checkpoint_every = argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 0;
    const size_t state_memory_mb = argc > 6 ? std::strtoull(argv[6], nullptr, 10) : 0;
    const unsigned restart_mode =
        argc > 7 ? static_cast<unsigned>(std::strtoul(argv[7], nullptr, 10)) : 1;
    const uint32_t players =
        argc > 8 ? static_cast<uint32_t>(std::strtoul(argv[8], nullptr, 10)) : 0;
    const unsigned bare_passes =
        argc > 9 ? static_cast<unsigned>(std::strtoul(argv[9], nullptr, 10)) : 3;
    const bool stream = argc > 11 && std::strtoull(argv[11], nullptr, 10) != 0 &&
                        std::strtoull(argv[5], nullptr, 10) > 0;
    const bool retention = stream || (argc > 10 && std::strtoull(argv[10], nullptr, 10) != 0 &&
                                      std::strtoull(argv[5], nullptr, 10) > 0);
    const bool measure_restart = restart_mode != 0;
    const bool full_replay = restart_mode == 1 && !retention;
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / fmt::format("tote-bench-{}", ::getpid());
    fs::remove_all(dir);
    std::atomic<bool> stop{false};

    SimulationRunnerConfig rc;
    rc.log_dir = dir / "log";
    rc.ground_truth_path = dir / "ground_truth.json";
    rc.max_change_events = events;
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpu_seconds();
    SimulatorConfig sc;
    if (players > 0) sc.players = players;
    SimulationProgress sim;
    double sim_s = 0;
    double sim_cpu = 0;
    long rss_after_sim = 0;
    // stream: the simulator's thread and the ingest's committed position.
    constexpr uint64_t kStreamWindow = 4'000'000;  // records (~2 GB of log)
    std::atomic<int64_t> committed{0};
    std::atomic<uint64_t> sim_records{0};
    std::atomic<bool> ingest_stop{false};
    std::thread sim_thread;
    if (!stream) {
        sim = SimulationRunner(sc, rc).run(stop);
        sim_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        sim_cpu = cpu_seconds() - c0;
        rss_after_sim = peak_rss_mb();
    } else {
        sim_thread = std::thread([&] {
            const double tc0 = thread_cpu_seconds();
            const auto ts = std::chrono::steady_clock::now();
            double waited = 0;
            sim = SimulationRunner(sc, rc).run(stop, [&](const SimulationProgress& p) {
                sim_records = p.records;
                const auto w0 = std::chrono::steady_clock::now();
                // Flow control, not synchronisation: hold the simulator back to the window.
                while (!stop && p.records > static_cast<uint64_t>(committed.load()) + kStreamWindow)
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                waited +=
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
            });
            sim_cpu = thread_cpu_seconds() - tc0;
            sim_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count() -
                    waited;
            sim_records = sim.records;
            while (!stop && static_cast<uint64_t>(committed.load()) < sim.records)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            ingest_stop = true;  // the ingest has committed the whole log
        });
        while (sim_records.load() == 0)  // the log file exists and holds records
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    uint64_t sink = 0;
    auto run_bare = [&] {
        double best = -1;
        for (unsigned pass = 0; pass < bare_passes; ++pass) {
            uint64_t again = 0;
            const double c = bare_on_demand_pass(rc.log_dir, again);
            if (best < 0 || c < best) best = c;
            sink = again;
        }
        return best;
    };
    double bare_cpu = 0;
    if (retention && !stream && bare_passes > 0) bare_cpu = run_bare();

    EmbeddedClickHouse conn(dir / "warehouse");
    IngestJobConfig jc;  // the same job `tote ingest` builds
    jc.source = SourceConfig{SourceKind::FileLog, rc.log_dir};
    jc.facts = with_facts;
    jc.ingest.batch_records = batch;
    jc.ingest.sync_source = sync_log;
    jc.writer.sync_parts = sync_parts;
    jc.fact_stage.builder.memory_budget_bytes = state_memory_mb << 20;
    jc.cold_state_dir = dir / "checkpoints" / "cold";
    if (checkpoint_every > 0) {
        jc.checkpoints.dir = dir / "checkpoints";
        jc.checkpoints.every_records = checkpoint_every;
    }
    IngestJobConfig first = jc;
    first.ingest.follow = stream;
    IngestJob job(conn, first);
    double c1 = cpu_seconds();
    auto t1 = std::chrono::steady_clock::now();
    LogRetention retain(rc.log_dir / "records.log", dir / "checkpoints");
    std::function<void(const IngestProgress&)> on_commit;
    uint64_t reported = 0;
    if (retention)
        on_commit = [&](const IngestProgress& p) {
            committed = p.next_offset;
            retain.apply();
            // stream: a line every 5M change events, so a run cut short still reports.
            if (stream && p.changes / 5'000'000 > reported) {
                reported = p.changes / 5'000'000;
                double sim_now = 0;
                clockid_t cid{};
                timespec t{};
                if (pthread_getcpuclockid(sim_thread.native_handle(), &cid) == 0 &&
                    clock_gettime(cid, &t) == 0)
                    sim_now = static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
                const std::filesystem::space_info sp = fs::space(dir);
                fmt::print(
                    "progress: {} change events ({} records) after {:.0f} s, {:.2f} CPU s per "
                    "million (simulator's thread excluded), peak RSS {} MB, fact state {:.1f} MB, "
                    "{} checkpoints, log freed {:.1f} GB, disk free {:.1f} GB\n",
                    p.changes, p.records,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count(),
                    (cpu_seconds() - c1 - sim_now) / (static_cast<double>(p.changes) / 1e6),
                    peak_rss_mb(), static_cast<double>(p.state_bytes) / 1e6, p.checkpoints_written,
                    static_cast<double>(retain.freed()) / 1e9,
                    static_cast<double>(sp.available) / 1e9);
                std::fflush(stdout);
            }
        };
    auto done = job.run(stream ? ingest_stop : stop, on_commit);
    double ingest_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    if (sim_thread.joinable()) sim_thread.join();
    double ingest_cpu = cpu_seconds() - c1 - (stream ? sim_cpu : 0.0);
    if (stream) rss_after_sim = -1;

    fmt::print(
        "machine: {} cores; facts {}; log synced before each position: {}; parts fsynced: "
        "{}\n",
        sysconf(_SC_NPROCESSORS_ONLN),
        with_facts ? "on (landing + facts + KPIs)" : "off (landing only)", sync_log ? "yes" : "no",
        job.writer().parts_synced() ? "yes" : "no");
    fmt::print(
        "simulate: {} change events ({} records) in {:.2f} s = {:.0f} events/s, {:.2f} CPU s/M "
        "events, peak RSS {}\n",
        sim.change_events, sim.records, sim_s, static_cast<double>(sim.change_events) / sim_s,
        sim_cpu / (static_cast<double>(sim.change_events) / 1e6),
        stream ? std::string("(in the ingest's: they ran together)")
               : fmt::format("{} MB", rss_after_sim));
    fmt::print(
        "ingest:   {} records ({} changes, {} dead letters, {} commits) in {:.2f} s = {:.0f} "
        "change events/s\n",
        done.records, done.changes, done.dead_letters, done.commits, ingest_s,
        static_cast<double>(done.changes) / ingest_s);
    fmt::print("ingest:   {:.2f} s of it waiting for the engine (decode+encode thread idle)\n",
               done.seconds_waiting);
    fmt::print("ingest:   {:.2f} CPU s per million change events (all threads), peak RSS {} MB\n",
               ingest_cpu / (static_cast<double>(done.changes) / 1e6), peak_rss_mb());
    if (bare_passes > 0 && !stream) {
        // The same envelopes through a bare simdjson On-Demand pass: the machine-independent
        // ratio of issue 13 point 5 (target <= 5x).
        // The fastest of three passes: the yardstick should not carry the noise of a shared
        // machine (the ingest figure above is a single run). With retention it ran before the
        // ingest, while the log was whole.
        if (!retention) bare_cpu = run_bare();
        const double per_m = static_cast<double>(done.changes) / 1e6;
        fmt::print(
            "bare simdjson On-Demand pass over the same {} records: {:.2f} CPU s per million "
            "change events (checksum {}); ingest / bare = {:.1f}x\n",
            done.records, bare_cpu / per_m, sink % 1000, ingest_cpu / bare_cpu);
    }
    if (with_facts) {
        std::fflush(stdout);
        fmt::print("facts:    {} transactions, {} bet and {} ledger fact versions, {} violations\n",
                   done.fact_units, done.bet_versions, done.wallet_versions,
                   done.violations_logged);
        fmt::print(
            "fact state: {:.1f} MB held at the end (estimate), budget {}; {} states moved to the "
            "cold store, {} read back\n",
            static_cast<double>(done.state_bytes) / 1e6,
            state_memory_mb ? fmt::format("{} MB", state_memory_mb) : std::string("none"),
            done.state_evicted, done.state_cold_reads);
        if (checkpoint_every > 0)
            fmt::print(
                "checkpoints: {} written in {:.2f} s (the ingest waits meanwhile), the "
                "newest at offset {}{}\n",
                done.checkpoints_written, done.seconds_checkpointing, done.last_checkpoint_offset,
                done.last_checkpoint_error);
        // Start-up: a new job restores the fact state (the checkpoint + the log after it, or the
        // whole log), up to the moment it is ready to read new records.
        auto restart = [&](IngestJobConfig config, const char* label) {
            config.cold_state_dir += "-restart";  // the first job still holds its store
            IngestJob again_job(conn, config);
            const double c2 = cpu_seconds();
            const auto t2 = std::chrono::steady_clock::now();
            double ready_s = 0;
            auto again = again_job.run(stop, {}, [&](const IngestProgress&) {
                ready_s =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t2).count();
            });
            const double restart_cpu = cpu_seconds() - c2;
            std::string from = "the whole log";
            if (again.restored_checkpoint_offset >= 0)
                from = fmt::format("checkpoint at offset {} ({:.1f} MB, loaded in {:.2f} s)",
                                   again.restored_checkpoint_offset,
                                   static_cast<double>(again.restored_checkpoint_bytes) / 1e6,
                                   again.seconds_loading_checkpoint);
            fmt::print(
                "restart {}: ready in {:.2f} s for a log of {} records: {} + {} records replayed "
                "in {:.2f} s ({:.2f} CPU s in all), peak RSS {} MB\n",
                label, ready_s, done.records, from, again.replayed_records, again.seconds_replaying,
                restart_cpu, peak_rss_mb());
        };
        if (retention) {
            retain.apply();
            fmt::print(
                "retention: the log's first {:.1f} GB freed (before the oldest checkpoint "
                "kept); {:.1f} GB of {:.1f} GB on disk at the end\n",
                static_cast<double>(retain.freed()) / 1e9,
                static_cast<double>(fs::file_size(rc.log_dir / "records.log") - retain.freed()) /
                    1e9,
                static_cast<double>(fs::file_size(rc.log_dir / "records.log")) / 1e9);
        }
        std::fflush(stdout);
        if (retention)  // what the bench's folder holds on disk now (the log: allocated blocks)
            std::system(fmt::format("du -sh {}/* {}/checkpoints/* | sed 's/^/disk:     /'",
                                    dir.string(), dir.string())
                            .c_str());
        {
            const std::string bets = conn.query("SELECT uniqExact(bet_id) FROM tote.fact_bet");
            fmt::print(
                "bets:     {} distinct bet_id in tote.fact_bet; {} players in the snapshot\n",
                bets.substr(0, bets.find('\n')), sc.players);
        }
        std::fflush(stdout);
        if (measure_restart && checkpoint_every > 0) restart(jc, "(checkpoint)");
        IngestJobConfig full = jc;
        full.checkpoints = CheckpointConfig{};
        if (measure_restart && full_replay) restart(full, "(full replay)");
    }
    std::fflush(stdout);
    std::error_code ec;  // the engine's background threads may still write
    fs::remove_all(dir, ec);
    return 0;
}
