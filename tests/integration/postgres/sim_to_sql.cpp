// Runs the simulator and prints its final OLTP state as INSERT statements for schema/oltp.sql,
// plus the expected live row counts and ledger sum, for postgres_ddl_test.sh.
// usage: sim_to_sql CHANGE_EVENTS LOG_DIR OUT.sql OUT.expected
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "simulate/betting_simulator.h"
#include "simulate/sql_dumper.h"
#include "source/file_log_writer.h"

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s CHANGE_EVENTS LOG_DIR OUT.sql OUT.expected\n", argv[0]);
        return 2;
    }
    tote::SimulatorConfig config;
    config.players = 2000;
    config.events = 100;
    config.max_change_events = std::strtoull(argv[1], nullptr, 10);
    config.anomaly_rate = 0.05;  // every anomaly kind must fit the DDL too
    tote::BettingSimulator sim(config);
    {
        tote::FileLogWriter writer(argv[2]);
        while (sim.step(writer) > 0) {
        }
    }
    std::ofstream sql(argv[3]);
    tote::SqlDumper::write_inserts(sim.state(), sql);
    std::ofstream expected(argv[4]);
    auto truth = sim.ground_truth();
    for (const auto& [table, rows] : truth.table_rows) expected << table << ' ' << rows << '\n';
    int64_t sum = 0;
    for (const auto& f : truth.ledger) sum += f.sum_minor;
    expected << "ledger_sum " << sum << '\n';
    return sql && expected ? 0 : 1;
}
