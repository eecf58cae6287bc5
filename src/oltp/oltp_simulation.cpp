#include "oltp/oltp_simulation.h"

#include <fstream>
#include <thread>

#include "core/error.h"
#include "oltp/mariadb_change_writer.h"
#include "oltp/mariadb_connection.h"
#include "oltp/oltp_schema.h"
#include "oltp/pg_connection.h"
#include "oltp/sql_change_writer.h"
#include "simulate/betting_simulator.h"
#include "simulate/ground_truth.h"

namespace tote {
namespace {

void write_truth(const BettingSimulator& sim, const std::filesystem::path& path) {
    if (path.empty()) return;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    GroundTruth truth = sim.ground_truth();
    truth.log_offset = -1;  // no position in tote's input: Debezium numbers the Kafka offsets
    auto tmp = path;
    tmp += ".tmp";
    write_ground_truth(truth, tmp);
    std::filesystem::rename(tmp, path);  // readers never see half a file
}

void write_progress(const OltpSimulationConfig& c, const BettingSimulator& sim) {
    if (c.progress_path.empty()) return;
    if (c.progress_path.has_parent_path())
        std::filesystem::create_directories(c.progress_path.parent_path());
    auto tmp = c.progress_path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << c.progress_header << "records=" << sim.records_emitted()
            << "\nchange_events=" << sim.change_events_emitted() << "\n";
        if (!out.flush())
            throw ToteError(ErrorClass::Fatal,
                            "cannot write " + tmp.string() + ": is the --data-dir writable?");
    }
    std::filesystem::rename(tmp, c.progress_path);
}

// --continue: the database must hold exactly the rows the regenerated simulator holds.
void check_resumed_rows(PgConnection& db, const BettingSimulator& sim, int64_t records) {
    const auto expected = sim.state().live_row_counts();
    std::string diffs;
    for (size_t t = 0; t < kTableCount; ++t) {
        std::string name(table_def(t).name);
        const int64_t have = db.exec("SELECT count(*) FROM " + name).int64(0, 0);
        if (have != expected[t])
            diffs += (diffs.empty() ? "" : ", ") + name + " has " + std::to_string(have) +
                     " rows, not " + std::to_string(expected[t]);
    }
    if (!diffs.empty())
        throw ToteError(ErrorClass::Fatal,
                        "cannot continue in PostgreSQL (" + db.describe() + "): the earlier run " +
                            "recorded " + std::to_string(records) +
                            " records, but the database does not hold what they committed (" +
                            diffs +
                            "). Was it changed by hand, filled with other flags, or was the "
                            "earlier run killed between a commit and its record? Start again on "
                            "an empty database");
}

void wait_for_slot(PgConnection& db, const std::string& slot, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        PgResult r =
            db.exec("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
        if (r.int64(0, 0) == 1) return;
        if (std::chrono::steady_clock::now() >= deadline)
            throw ToteError(ErrorClass::Retriable,
                            "the connector runs but PostgreSQL (" + db.describe() +
                                ") has no replication slot " + slot + " after " +
                                std::to_string(timeout.count()) +
                                " s: is the connector pointed at this server? (wal_level must "
                                "be logical)");
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // polling the catalogue
    }
}

// Runs the simulator into `writer` until a limit or stop (shared by both databases).
template <class Writer>
// `sim` and `progress` as the caller prepared them (fast-forwarded by --continue, with
// resumed_change_events set).
OltpProgress drive(BettingSimulator& sim, OltpProgress progress, const OltpSimulationConfig& config,
                   Writer& writer, const std::atomic<bool>& stop,
                   const std::function<void(const OltpProgress&)>& on_progress) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto last_truth = started;
    auto report = [&] {
        progress.transactions = writer.transactions();
        progress.statements = writer.statements();
        progress.initial_rows = writer.initial_rows();
        progress.change_events = sim.change_events_emitted() - progress.resumed_change_events;
        progress.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        progress.finished = sim.finished();
        if (on_progress) on_progress(progress);
    };
    uint64_t steps = 0;
    for (;;) {
        if (stop.load(std::memory_order_relaxed) || sim.finished()) break;
        if (config.max_change_events != 0 &&
            sim.change_events_emitted() >= config.max_change_events)
            break;
        if (config.duration_s > 0 &&
            std::chrono::duration<double>(Clock::now() - started).count() >= config.duration_s)
            break;
        if (sim.step(writer) == 0) break;
        if (!sim.snapshot_done()) writer.flush();  // one transaction per chunk of initial rows
        ++steps;
        if (config.rate > 0) {
            const double due_s =
                static_cast<double>(sim.change_events_emitted() - progress.resumed_change_events) /
                config.rate;
            const auto due = started + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(due_s));
            if (due > Clock::now()) std::this_thread::sleep_until(due);  // pacing, not sync
        }
        if (Clock::now() - last_truth >= config.ground_truth_every) {
            writer.flush();  // the truth is of committed transactions only
            write_truth(sim, config.ground_truth_path);
            write_progress(config, sim);
            last_truth = Clock::now();
        }
        if (config.rate > 0 || (steps & 255) == 0) report();
    }
    writer.flush();
    write_truth(sim, config.ground_truth_path);
    write_progress(config, sim);
    report();
    return progress;
}

size_t batch_of(const OltpSimulationConfig& config) {
    return config.rate > 0 ? 1 : std::max<size_t>(1, config.batch_transactions);
}

// MariaDB (schema/oltp_mariadb.sql): the tables must exist and be empty. The connector is
// registered by scripts/stack.sh connector-mariadb (docs/operations.md, "MariaDB").
OltpProgress run_mariadb(const SimulatorConfig& sim, const OltpSimulationConfig& config,
                         const std::atomic<bool>& stop,
                         const std::function<void(const OltpProgress&)>& on_progress) {
    if (!config.connect_url.empty())
        throw ToteError(ErrorClass::Fatal,
                        "--connect-url registers the Debezium PostgreSQL connector; for MariaDB "
                        "register Debezium's MariaDB connector with scripts/stack.sh "
                        "connector-mariadb NAME DATABASE (docs/operations.md, \"MariaDB\")");
    if (!config.synchronous_commit)
        throw ToteError(ErrorClass::Fatal,
                        "--no-sync-commit is PostgreSQL's synchronous_commit; MariaDB's "
                        "durability is the server's innodb_flush_log_at_trx_commit");
    MariaDbConnection db(config.url);
    if (config.create_schema)
        throw ToteError(ErrorClass::Fatal,
                        "--create-schema is for PostgreSQL; create the MariaDB tables with the "
                        "client: mariadb -h " +
                            db.host() + " -P " + std::to_string(db.port()) + " -u " + db.user() +
                            " -p " + db.database() + " < schema/oltp_mariadb.sql");
    for (size_t t = 0; t < kTableCount; ++t) {
        const std::string name(table_def(t).name);
        const auto rows = db.query(
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
            "TABLE_NAME = '" +
            name + "'");
        if (rows.empty() || rows[0][0] != std::optional<std::string>("1"))
            throw ToteError(ErrorClass::Fatal,
                            "MariaDB (" + db.describe() + ") has no table " + name +
                                ": apply schema/oltp_mariadb.sql to the database first (mariadb "
                                "... " +
                                db.database() + " < schema/oltp_mariadb.sql)");
        const auto any = db.query("SELECT EXISTS (SELECT 1 FROM " + name + ")");
        if (!any.empty() && any[0][0] == std::optional<std::string>("1"))
            throw ToteError(ErrorClass::Fatal,
                            "table " + name + " in MariaDB (" + db.describe() +
                                ") already holds rows: tote simulate --oltp fills an empty OLTP. "
                                "Use a new database, or empty the tables");
    }
    if (config.resume_records >= 0)
        throw ToteError(ErrorClass::Fatal,
                        "--continue is for PostgreSQL: a MariaDB run starts from empty tables");
    MariaDbChangeWriter writer(db, batch_of(config));
    BettingSimulator simulator(sim);
    return drive(simulator, OltpProgress{}, config, writer, stop, on_progress);
}

}  // namespace

OltpSimulation::OltpSimulation(SimulatorConfig sim, OltpSimulationConfig config)
    : sim_(std::move(sim)), config_(std::move(config)) {}

OltpProgress OltpSimulation::run(const std::atomic<bool>& stop,
                                 const std::function<void(const OltpProgress&)>& on_progress,
                                 const std::function<void(const std::string&)>& on_note) {
    if (MariaDbConnection::is_url(config_.url))
        return run_mariadb(sim_, config_, stop, on_progress);
    PgConnection db(config_.url);
    if (!config_.synchronous_commit) db.exec("SET synchronous_commit = off");
    OltpSchema::ensure_tables(db, config_.create_schema);
    if (!config_.connect_url.empty()) {
        ConnectorTarget target;
        target.connect_url = config_.connect_url;
        target.name = config_.connector_name;
        target.db_host = db.host();
        target.db_port = db.port();
        target.db_name = db.database();
        target.db_user = db.user();
        target.db_password = db.password();
        target.topic_prefix = sim_.topic_prefix;
        target.route_topic = config_.route_topic;
        DebeziumConnector connector(target);
        auto outcome = connector.ensure();
        wait_for_slot(db, connector.slot_name(), target.timeout);
        if (on_note)
            on_note(
                std::string(outcome == DebeziumConnector::Outcome::Registered ? "registered"
                                                                              : "checked") +
                " Debezium connector " + target.name + " on " + target.connect_url +
                ": RUNNING, slot " + connector.slot_name() + ", " +
                (target.route_topic.empty()
                     ? "topics " + target.topic_prefix + ".public.<table> and " +
                           target.topic_prefix + ".transaction"
                     : "every table and the transaction metadata in topic " + target.route_topic));
    }

    BettingSimulator sim(sim_);
    OltpProgress progress;
    if (config_.resume_records >= 0) {
        sim.fast_forward(config_.resume_records);
        check_resumed_rows(db, sim, config_.resume_records);
        progress.resumed_change_events = sim.change_events_emitted();
        if (on_note)
            on_note("continuing the earlier run: its " +
                    std::to_string(sim.change_events_emitted()) +
                    " change events regenerated without writing; the database's row counts "
                    "match them");
    } else {
        OltpSchema::check_empty(db);  // after the connector: a second run still checks it
    }
    SqlChangeWriter writer(db, batch_of(config_));
    return drive(sim, progress, config_, writer, stop, on_progress);
}

}  // namespace tote
