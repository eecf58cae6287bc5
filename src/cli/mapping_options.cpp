#include "cli/mapping_options.h"

#include <fmt/format.h>

#include "core/error.h"
#include "pipeline/mapping_check.h"

namespace tote {

void add_mapping_option(CLI::App& cmd, std::string& path) {
    cmd.add_option("--mapping", path,
                   "Mapping file from the source schema to the betting model (YAML, "
                   "docs/mapping.md; e.g. mappings/real_debezium.yaml). Default: the simulator's "
                   "(mappings/simulator.yaml, built in)");
}

std::optional<model::MappingFile> load_mapping_option(const std::string& path) {
    if (path.empty()) return std::nullopt;
    return model::MappingFile::load(path);
}

void check_mapping_before_ingest(const model::MappingFile& file, ClickHouseConnection& conn,
                                 const std::string& database) {
    const auto report = MappingCheck(conn, database).run(file);
    if (report.ok()) return;
    throw ToteError(ErrorClass::Fatal,
                    "the mapping " + file.origin() + " does not fit what database '" + database +
                        "' has landed:\n" + report.format(file.origin()) +
                        "Fix the mapping (docs/mapping.md; `tote mapping check FILE` checks it "
                        "again) and start again: no facts were built with it.");
}

}  // namespace tote
