#include "sink/warehouse_writer.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "sink/fact_writer.h"
#include "sink/landing_table.h"
#include "sink/migrator.h"
#include "sink/row_binary_writer.h"
#include "sink/schema_check.h"
#include "sink/sql_text.h"
#include "sink/warehouse_reader.h"

namespace tote {
namespace {

struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

constexpr std::string_view kDeadLetterColumns =
    "topic String, partition Int32, offset Int64, timestamp_ms Int64, key Nullable(String), "
    "value Nullable(String), stage String, reason String";
constexpr std::string_view kTransactionColumns =
    "tx_id UInt64, kind String, event_count UInt64, ts_ms Int64, topic String, partition Int32, "
    "offset Int64";
constexpr std::string_view kTruncateColumns =
    "table_name String, version UInt64, lsn UInt64, tx_id UInt64, ts_ms Int64, offset Int64";
constexpr std::string_view kOffsetColumns =
    "consumer String, next_offset Int64, byte_position Int64, version UInt64";

// One INSERT of a commit, with its rows handed over from the batches.
struct PendingInsert {
    std::string table;
    std::string columns;
    std::string rows;
};

// A bookkeeping table's pending rows.
struct Batch {
    RowBinaryWriter rows;
    size_t count = 0;
    void clear() {
        rows.clear();
        count = 0;
    }
};

}  // namespace

struct WarehouseWriter::State {
    RetryingConnection conn;
    WarehouseWriterConfig config;
    std::unordered_map<std::string, std::unique_ptr<LandingTable>, NameHash, std::equal_to<>>
        tables;
    LandingTable* last_table = nullptr;
    Batch dead_letters, transactions, truncates, landing_log;
    std::vector<LandingTable::TypeChange> type_changes;  // scratch of add_change
    std::unordered_set<std::string> reported;  // table, column, declared type: reported this run
    std::vector<EncodedInsert> extra;          // add_insert(): run after the landing rows
    WarehouseWriterStats stats;

    // The background committer: at most one commit (a list of inserts, the position last).
    std::mutex mu;
    std::condition_variable cv;
    std::vector<PendingInsert> in_flight;
    bool busy = false;
    bool quit = false;
    std::exception_ptr failure;
    std::thread committer;

    State(ClickHouseConnection& c, WarehouseWriterConfig cfg)
        : conn(c, cfg.retry), config(std::move(cfg)) {}

    ~State() {
        {
            std::lock_guard lock(mu);
            quit = true;
        }
        cv.notify_all();
        if (committer.joinable()) committer.join();
    }

    void run_committer() {
        std::unique_lock lock(mu);
        while (true) {
            cv.wait(lock, [&] { return busy || quit; });
            if (!busy) return;  // quit with nothing in flight
            std::vector<PendingInsert> work = std::move(in_flight);
            lock.unlock();
            std::exception_ptr error;
            try {
                run_inserts(work);
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            failure = error;
            busy = false;
            cv.notify_all();
        }
    }

    // The extra connections of the insert lanes (opened with the writer, never changed after).
    std::vector<std::unique_ptr<ClickHouseConnection>> lane_conns;
    std::vector<std::unique_ptr<RetryingConnection>> lanes;

    void open_lanes() {
        if (!config.open_lane) return;
        while (lanes.size() + 1 < config.insert_lanes) {
            lane_conns.push_back(config.open_lane());
            lanes.push_back(std::make_unique<RetryingConnection>(*lane_conns.back(), config.retry));
        }
    }

    // A commit's inserts: the data over the lanes, then the position (the last insert) alone.
    void run_inserts(const std::vector<PendingInsert>& work) {
        const size_t want = lanes.size() + 1;
        if (work.size() <= 2 || want == 1) {
            for (const auto& ins : work) conn.insert_row_binary(ins.table, ins.columns, ins.rows);
            return;
        }
        // Lane 0 (this connection) takes every etl_log insert, in order; the rest go, largest
        // first, to the lane with the fewest bytes so far.
        const size_t data = work.size() - 1;
        std::vector<std::vector<const PendingInsert*>> plan(want);
        std::vector<size_t> bytes(want, 0);
        std::vector<const PendingInsert*> rest;
        for (size_t i = 0; i < data; ++i) {
            if (work[i].table == table("etl_log")) {
                plan[0].push_back(&work[i]);
                bytes[0] += work[i].rows.size();
            } else {
                rest.push_back(&work[i]);
            }
        }
        std::stable_sort(rest.begin(), rest.end(), [](const auto* a, const auto* b) {
            return a->rows.size() > b->rows.size();
        });
        for (const PendingInsert* ins : rest) {
            const size_t to =
                static_cast<size_t>(std::min_element(bytes.begin(), bytes.end()) - bytes.begin());
            plan[to].push_back(ins);
            bytes[to] += ins->rows.size();
        }
        auto run_lane = [](ClickHouseConnection& c, const std::vector<const PendingInsert*>& list) {
            for (const PendingInsert* ins : list)
                c.insert_row_binary(ins->table, ins->columns, ins->rows);
        };
        std::vector<std::future<void>> others;
        for (size_t l = 1; l < want; ++l)
            if (!plan[l].empty())
                others.push_back(std::async(std::launch::async, run_lane, std::ref(*lanes[l - 1]),
                                            std::cref(plan[l])));
        std::exception_ptr first;
        try {
            run_lane(conn, plan[0]);
        } catch (...) {
            first = std::current_exception();
        }
        for (auto& f : others) {
            try {
                f.get();
            } catch (...) {
                if (!first) first = std::current_exception();
            }
        }
        if (first) std::rethrow_exception(first);
        const PendingInsert& position = work.back();  // only after all the data succeeded
        conn.insert_row_binary(position.table, position.columns, position.rows);
    }

    // Waits until no commit is in flight; rethrows the failure of the last one.
    void wait_idle() {
        const auto started = std::chrono::steady_clock::now();
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !busy; });
        stats.seconds_waiting +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (failure) std::rethrow_exception(std::exchange(failure, nullptr));
    }

    void take(Batch& b, std::string_view name, std::string_view columns,
              std::vector<PendingInsert>& out) {
        if (b.count == 0) return;
        out.push_back({table(name), std::string(columns), b.rows.take()});
        b.count = 0;
    }

    std::string table(std::string_view name) const { return sql_table(config.database, name); }

    bool parts_synced = false;  // the engine fsyncs inserted parts (enable_part_sync)

    // Sets fsync_after_insert and fsync_part_directory to `on` on every MergeTree table of the
    // database, where the engine knows them (system.merge_tree_settings lists both). The
    // settings are kept in the tables' metadata, so `off` is written too: a warehouse synced by
    // an earlier run stops syncing when asked to.
    void set_part_sync(bool on) {
        std::string known;
        try {
            known = conn.query(
                "SELECT count() FROM system.merge_tree_settings WHERE name IN "
                "('fsync_after_insert', 'fsync_part_directory')");
        } catch (const ToteError& e) {
            if (e.retriable()) throw;
            known = "0\n";  // no such system table: an engine without these settings
        }
        if (known != "2\n") return;
        parts_synced = on;
        for (auto& r : parse_tsv(conn.query(
                 "SELECT name FROM system.tables WHERE database = " + sql_string(config.database) +
                 " AND engine LIKE '%MergeTree' ORDER BY name")))
            if (!r.empty()) sync_parts_of(sql_table(config.database, r[0]), on);
    }

    void sync_parts_of(const std::string& qualified_table, bool on) {
        const std::string v = on ? "1" : "0";
        conn.query("ALTER TABLE " + qualified_table + " MODIFY SETTING fsync_after_insert = " + v +
                   ", fsync_part_directory = " + v);
    }

    // Reads the column sets of every land_ table, so a restarted writer knows them.
    void load_tables() {
        auto rows = parse_tsv(
            conn.query("SELECT table, name, type FROM system.columns WHERE database = " +
                       sql_string(config.database) + " AND substring(table, 1, 5) = 'land_'"));
        std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> by_table;
        for (auto& r : rows)
            if (r.size() == 3) by_table[r[0]].emplace_back(std::move(r[1]), std::move(r[2]));
        for (auto& [land_name, columns] : by_table) adopt(land_name.substr(5), columns);
    }

    LandingTable& adopt(const std::string& source_table,
                        const std::vector<std::pair<std::string, std::string>>& columns) {
        auto t = std::make_unique<LandingTable>(config.database, source_table);
        size_t metadata_seen = 0;
        for (const auto& [name, type] : columns) {
            bool is_metadata = false;
            for (const auto& m : LandingTable::metadata_columns()) {
                if (m.name != name) continue;
                is_metadata = true;
                if (m.type != type)
                    throw ToteError(ErrorClass::Fatal,
                                    "landed table " + config.database + "." +
                                        LandingTable::landing_name(source_table) + " has column " +
                                        name + " of type " + type + ", tote writes " + m.type +
                                        ": it was not created by this tote version; land into a "
                                        "fresh database");
                ++metadata_seen;
            }
            if (!is_metadata) t->add_column({name, type, LandingTable::parse_type(type)});
        }
        if (metadata_seen != LandingTable::metadata_columns().size())
            throw ToteError(ErrorClass::Fatal,
                            "landed table " + config.database + "." +
                                LandingTable::landing_name(source_table) +
                                " lacks some of tote's metadata columns "
                                "(_key, _version, ...): land into a fresh database");
        auto& ref = *t;
        tables[source_table] = std::move(t);
        last_table = nullptr;
        return ref;
    }

    LandingTable& table_for(const ChangeEvent& change) {
        if (last_table && last_table->source_table() == change.table) return *last_table;
        auto it = tables.find(change.table);
        if (it != tables.end()) return *(last_table = it->second.get());
        // First sight: create it with the columns this change carries.
        auto t = std::make_unique<LandingTable>(config.database, change.table);
        auto columns = t->missing_columns(change);
        conn.query(t->create_sql(columns));
        if (parts_synced) sync_parts_of(t->qualified_name(), true);
        // Another writer may have created it first with other columns: trust ClickHouse.
        std::vector<std::pair<std::string, std::string>> actual;
        for (auto& r :
             parse_tsv(conn.query("SELECT name, type FROM system.columns WHERE database = " +
                                  sql_string(config.database) + " AND table = " +
                                  sql_string(LandingTable::landing_name(change.table)))))
            if (r.size() == 2) actual.emplace_back(std::move(r[0]), std::move(r[1]));
        return *(last_table = &adopt(change.table, actual));
    }

    void flush_table(LandingTable& t) {
        if (t.rows() == 0) return;
        conn.insert_row_binary(t.qualified_name(), t.insert_columns(), t.batch());
        t.clear_batch();
    }

    void add_columns(LandingTable& t, const std::vector<LandingTable::Column>& columns) {
        // The rows already batched have the old column set: write them first.
        flush_table(t);
        for (const auto& c : columns) {
            // 18.16 has no ADD COLUMN IF NOT EXISTS: the column set was read at start; if
            // another writer added the column meanwhile, ClickHouse refuses and we re-read.
            try {
                conn.query(t.add_column_sql(c));
                t.add_column(c);
            } catch (const ToteError& e) {
                if (e.retriable()) throw;
                auto rows =
                    parse_tsv(conn.query("SELECT type FROM system.columns WHERE database = " +
                                         sql_string(config.database) + " AND table = " +
                                         sql_string(LandingTable::landing_name(t.source_table())) +
                                         " AND name = " + sql_string(c.name)));
                if (rows.empty() || rows[0].empty()) throw;
                t.add_column({c.name, rows[0][0], LandingTable::parse_type(rows[0][0])});
            }
        }
    }

    // Reports each declared type change of a landed column once per run: etl_log and notes.
    void report_type_changes(const LandingTable& t, const ChangeEvent& change,
                             const LogRecord& record) {
        for (const auto& c : type_changes) {
            std::string id = t.source_table() + '\0' + c.column + '\0' + c.declared;
            if (!reported.insert(std::move(id)).second) continue;
            const std::string land = LandingTable::landing_name(t.source_table());
            std::string details =
                "column " + c.column + " of " + land + ": the value schema declares " + c.declared +
                " but the landed column has type " + c.landed +
                " (an ALTER COLUMN in the source, a replay of changes from before one, or a "
                "column landed from messages without a schema), first at offset " +
                std::to_string(record.offset.value) + " of " + record.topic +
                "; tote keeps the landed column: values that fit it still land "
                "(a decimal only when its rescale is exact), the others go to _dead_letters "
                "(stage land); see docs/operations.md, \"A column's type changed in the source\"";
            // In the fact stage's etl_log, encoded as FactWriter does (never provisional).
            facts::EtlLogEntry entry;
            entry.rule = "landing_type_changed";
            entry.severity = "warning";
            entry.entity = land;
            entry.entity_key = c.column;
            entry.version = change.version;
            entry.log_offset = record.offset.value;
            entry.details = details;
            FactWriter::encode(entry, landing_log.rows);
            ++landing_log.count;
            stats.notes.push_back("landing_type_changed: " + details);
        }
        type_changes.clear();
    }

    void dead_letter(const LogRecord& record, std::string_view stage, std::string_view reason) {
        auto& w = dead_letters.rows;
        w.string(record.topic);
        w.int32(record.partition.value);
        w.int64(record.offset.value);
        w.int64(record.timestamp_ms);
        w.nullable_string(record.key);
        w.nullable_string(record.value);
        w.string(stage);
        w.string(reason);
        ++dead_letters.count;
        ++stats.dead_letters;
    }
};

WarehouseWriter::WarehouseWriter(ClickHouseConnection& conn, WarehouseWriterConfig config)
    : state_(std::make_unique<State>(conn, std::move(config))) {
    Migrator(state_->conn, state_->config.database).apply();
    if (state_->config.check_schema) {
        auto problems = SchemaCheck(state_->conn, state_->config.database).run();
        if (!problems.empty())
            throw ToteError(
                ErrorClass::Fatal,
                SchemaCheck::describe(problems, state_->config.database, conn.describe()));
    }
    state_->set_part_sync(state_->config.sync_parts);
    state_->load_tables();
    state_->open_lanes();
}

WarehouseWriter::~WarehouseWriter() = default;

std::optional<LogPosition> WarehouseWriter::resume_position() {
    return WarehouseReader(state_->conn, state_->config.database)
        .resume_position(state_->config.consumer);
}

void WarehouseWriter::add_change(const ChangeEvent& change, const LogRecord& record) {
    State& s = *state_;
    auto add_marker = [&](uint64_t version) {
        auto& w = s.truncates.rows;
        w.string(change.table);
        w.uint64(version);
        w.uint64(change.source.lsn);
        w.uint64(change.source.tx_id);
        w.int64(change.source.commit_ts_ms);
        w.int64(record.offset.value);
        ++s.truncates.count;
    };
    if (change.op == Op::Truncate) {
        add_marker(change.version);
        ++s.stats.changes;
        return;
    }
    // The last read of a table by a complete snapshot: every row of the table below the
    // snapshot's position is gone (it was not read), like a truncate just before the snapshot.
    if (change.source.snapshot_table_end)
        add_marker(make_version(change.source.lsn, VersionRank::SnapshotBoundary));
    LandingTable& t = s.table_for(change);
    // The fields are resolved to columns once for the checks and the append.
    const std::vector<size_t>* columns = &t.resolve(change);
    auto reason = t.conflict(change, *columns, &s.type_changes);
    if (!s.type_changes.empty()) s.report_type_changes(t, change, record);
    if (reason) {
        s.dead_letter(record, "land", *reason);
        return;
    }
    if (change.after && change.op != Op::Delete) {
        auto missing = t.missing_columns(change, *columns);
        if (!missing.empty()) {
            s.add_columns(t, missing);
            columns = &t.resolve(change);
            // A new column is typed from the field's schema type: check the value against it.
            if (auto reason = t.conflict(change, *columns)) {
                s.dead_letter(record, "land", *reason);
                return;
            }
        }
    }
    t.append(change, record, *columns);
    ++s.stats.changes;
    if (change.source.snapshot) ++s.stats.snapshot_reads;
}

void WarehouseWriter::add_transaction(const TxMarker& marker, const LogRecord& record) {
    State& s = *state_;
    auto& w = s.transactions.rows;
    w.uint64(marker.tx_id);
    w.string(marker.begin ? "BEGIN" : "END");
    w.uint64(marker.event_count);
    w.int64(marker.ts_ms);
    w.string(record.topic);
    w.int32(record.partition.value);
    w.int64(record.offset.value);
    ++s.transactions.count;
    ++s.stats.transactions;
}

void WarehouseWriter::add_tombstone(const LogRecord&) {
    ++state_->stats.tombstones;
}

void WarehouseWriter::add_dead_letter(const LogRecord& record, std::string_view stage,
                                      std::string_view reason) {
    state_->dead_letter(record, stage, reason);
}

void WarehouseWriter::add_insert(EncodedInsert insert) {
    state_->extra.push_back(std::move(insert));
}

void WarehouseWriter::commit(const LogPosition& through) {
    commit_async(through);
    wait();
}

void WarehouseWriter::commit_async(const LogPosition& through) {
    State& s = *state_;
    s.wait_idle();
    // Data first, the position last: the committer runs the inserts in this order. A crash
    // before the position is written replays the batch; its rows are identical and collapse.
    std::vector<PendingInsert> work;
    for (auto& [name, t] : s.tables)
        if (t->rows() > 0)
            work.push_back({t->qualified_name(), t->insert_columns(), t->take_batch()});
    s.take(s.dead_letters, "_dead_letters", kDeadLetterColumns, work);
    s.take(s.transactions, "_transactions", kTransactionColumns, work);
    s.take(s.truncates, "_truncates", kTruncateColumns, work);
    s.take(s.landing_log, "etl_log", FactWriter::etl_log_columns(), work);
    for (auto& e : s.extra)
        work.push_back({std::move(e.table), std::move(e.columns), std::move(e.rows)});
    s.extra.clear();
    RowBinaryWriter offset;
    offset.string(s.config.consumer);
    offset.int64(through.next_offset);
    offset.int64(through.byte_position);
    offset.uint64(static_cast<uint64_t>(through.next_offset));
    work.push_back({s.table("_offsets"), std::string(kOffsetColumns), offset.take()});
    ++s.stats.commits;
    if (!s.committer.joinable()) s.committer = std::thread([&s] { s.run_committer(); });
    {
        std::lock_guard lock(s.mu);
        s.in_flight = std::move(work);
        s.busy = true;
    }
    s.cv.notify_all();
}

void WarehouseWriter::wait() {
    state_->wait_idle();
}

size_t WarehouseWriter::buffered_rows() const {
    const State& s = *state_;
    size_t n = s.dead_letters.count + s.transactions.count + s.truncates.count +
               s.landing_log.count + s.extra.size();
    for (const auto& [name, t] : s.tables) n += t->rows();
    return n;
}

const WarehouseWriterStats& WarehouseWriter::stats() const {
    return state_->stats;
}

bool WarehouseWriter::parts_synced() const {
    return state_->parts_synced;
}

void WarehouseWriter::set_stop_flag(const std::atomic<bool>* stop) {
    state_->conn.set_stop_flag(stop);
    for (auto& l : state_->lanes) l->set_stop_flag(stop);
}

RetryStats WarehouseWriter::retry_stats() const {
    RetryStats out = state_->conn.stats();
    for (const auto& l : state_->lanes) {
        const RetryStats lane = l->stats();
        out.retries += lane.retries;
        if (!lane.last_error.empty()) out.last_error = lane.last_error;
    }
    return out;
}

}  // namespace tote
