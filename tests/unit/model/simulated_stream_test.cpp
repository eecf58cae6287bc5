// The default mapping against the simulator's real Debezium stream, in both decimal modes:
// every change of a mapped table maps without a single MappingError.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "decode/debezium_json_decoder.h"
#include "model/mapping_file.h"
#include "model/model_mapper.h"
#include "simulate/betting_simulator.h"
#include "source/file_log_reader.h"
#include "source/file_log_writer.h"

namespace tote::model {
namespace {

struct Counts {
    std::map<size_t, int64_t> by_alternative;  // ModelRecord index -> count
    std::vector<std::string> errors;
};

Counts map_simulated(bool schemas, const std::string& decimal_mode) {
    auto dir = std::filesystem::temp_directory_path() /
               ("tote-model-sim-" + decimal_mode + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    SimulatorConfig cfg;
    cfg.players = 300;
    cfg.events = 30;
    cfg.max_change_events = 20000;
    cfg.anomaly_rate = 0.05;
    cfg.schemas_enabled = schemas;
    cfg.decimal_mode = decimal_mode;
    {
        BettingSimulator sim(cfg);
        FileLogWriter w(dir);
        while (sim.step(w) > 0) {
        }
    }
    FileLogReader reader(dir);
    DebeziumJsonDecoder decoder;
    ModelMapper mapper(MappingFile::builtin_simulator().mapping());
    Counts c;
    std::vector<LogRecord> batch;
    while (reader.poll(batch, 4096) > 0) {
        for (const auto& rec : batch) {
            DecodeResult d = decoder.decode(rec);
            const auto* change = std::get_if<ChangeEvent>(&d);
            if (!change) continue;
            ModelRecord m = mapper.map(*change);
            ++c.by_alternative[m.index()];
            if (const auto* e = std::get_if<MappingError>(&m))
                if (c.errors.size() < 5) c.errors.push_back(e->message());
        }
        batch.clear();
    }
    std::filesystem::remove_all(dir);
    return c;
}

void expect_clean(const Counts& c) {
    EXPECT_EQ(c.errors, std::vector<std::string>{});
    EXPECT_EQ(c.by_alternative.count(1), 0u);  // MappingError
    for (size_t alt = 3; alt < std::variant_size_v<ModelRecord>; ++alt)
        EXPECT_GT(c.by_alternative.count(alt) ? c.by_alternative.at(alt) : 0, 0)
            << "no record of alternative " << alt;
    EXPECT_GT(c.by_alternative.at(0), 0);  // odds_staging is not a model table
    EXPECT_GT(c.by_alternative.at(2), 0);  // deletes (failed wallet rows, renumbered legs)
}

TEST(SimulatedStream, StringDecimalsMapWithoutErrors) {
    expect_clean(map_simulated(false, "string"));
}

TEST(SimulatedStream, PreciseDecimalsMapWithoutErrors) {
    expect_clean(map_simulated(true, "precise"));
}

}  // namespace
}  // namespace tote::model
