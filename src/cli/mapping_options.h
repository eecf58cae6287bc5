#pragma once
// --mapping FILE for the commands that build facts (ingest, demo, repair), and the check of a
// mapping against the warehouse they run before reading anything.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "model/mapping_file.h"
#include "sink/clickhouse_connection.h"

namespace tote {

void add_mapping_option(CLI::App& cmd, std::string& path);

// The mapping `path` names (nullopt: none given, the built-in simulator mapping applies);
// throws ToteError(Fatal) with every problem and its line when the file is not usable.
std::optional<model::MappingFile> load_mapping_option(const std::string& path);

// MappingCheck against `database`: prints the notes to stderr and throws ToteError(Fatal)
// listing the errors with their lines, so a bad mapping never builds facts.
void check_mapping_before_ingest(const model::MappingFile& file, ClickHouseConnection& conn,
                                 const std::string& database);

}  // namespace tote
