#include "cli/simulator_options.h"

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace tote {

void add_simulator_options(CLI::App& cmd, SimulatorConfig& c) {
    cmd.add_option("--seed", c.seed, "Seed of the deterministic workload")->capture_default_str();
    cmd.add_option("--players", c.players, "Players in the OLTP")->capture_default_str();
    cmd.add_option("--events", c.events, "Sports events in the catalogue")->capture_default_str();
    cmd.add_option("--bets-per-second", c.bets_per_sim_second,
                   "Bets placed per simulated second (simulated time, not wall clock)")
        ->capture_default_str();
    cmd.add_option("--start-time", c.start_time, "Simulated clock start (UTC, ISO-8601)")
        ->capture_default_str();
    cmd.add_option("--anomaly-rate", c.anomaly_rate,
                   "Share of bets that carry an injected source inconsistency")
        ->capture_default_str();
    cmd.add_option("--redelivery-rate", c.redelivery_rate,
                   "Share of transactions re-delivered later, as Debezium does after a crash")
        ->capture_default_str();
    cmd.add_flag("--schemas", c.schemas_enabled, "Emit {schema, payload} envelopes");
    cmd.add_option("--decimal-mode", c.decimal_mode, "Decimal encoding: string or precise")
        ->check(CLI::IsMember({"string", "precise"}))
        ->capture_default_str();
    cmd.add_option("--topic-prefix", c.topic_prefix, "Debezium topic prefix")
        ->capture_default_str();
}

namespace {
std::string describe(const SimulatorConfig& c) {
    std::ostringstream o;
    o << "seed=" << c.seed << "\nplayers=" << c.players << "\nevents=" << c.events
      << "\nbets_per_second=" << c.bets_per_sim_second << "\nstart_time=" << c.start_time
      << "\nanomaly_rate=" << c.anomaly_rate << "\nredelivery_rate=" << c.redelivery_rate
      << "\nschemas=" << c.schemas_enabled << "\ndecimal_mode=" << c.decimal_mode
      << "\ntopic_prefix=" << c.topic_prefix << "\n";
    return o.str();
}
}  // namespace

std::string describe_simulator_config(const SimulatorConfig& config) {
    return describe(config);
}

void check_or_record_simulator_config(const std::filesystem::path& log_dir,
                                      const SimulatorConfig& config) {
    std::filesystem::create_directories(log_dir);
    auto path = log_dir / "simulator.conf";
    std::string wanted = describe(config);
    std::ifstream in(path);
    if (!in) {
        std::ofstream(path) << wanted;
        return;
    }
    std::stringstream have;
    have << in.rdbuf();
    if (have.str() == wanted) return;
    std::istringstream a(have.str()), b(wanted);
    std::string la, lb;
    while (std::getline(a, la) && std::getline(b, lb)) {
        if (la != lb)
            throw ToteError(ErrorClass::Fatal,
                            "the log in " + log_dir.string() + " was made with " + la + ", not " +
                                lb +
                                ": continue it with the same flags, or use another --data-dir");
    }
    throw ToteError(ErrorClass::Fatal, "simulator configuration differs from " + path.string());
}

}  // namespace tote
