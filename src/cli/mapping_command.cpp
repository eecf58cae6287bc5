// tote mapping check FILE: is a mapping file usable, and does it fit what the warehouse landed?
#include <fmt/format.h>

#include <filesystem>

#include "cli/commands.h"
#include "core/error.h"
#include "model/mapping_file.h"
#include "pipeline/mapping_check.h"

namespace tote {

void add_mapping_command(CLI::App& app, CliContext& ctx) {
    auto* mapping = app.add_subcommand(
        "mapping",
        "Mapping files from an operator's schema to the betting model (docs/mapping.md)");
    mapping->require_subcommand(1);
    auto file = std::make_shared<std::string>();
    auto* check = mapping->add_subcommand(
        "check",
        "Check a mapping file: its keys, model values and required fields, then (when the "
        "warehouse exists) its tables, columns, column types and value maps against what has "
        "landed. Every problem is printed with its line; exit 2 when the mapping is not usable.");
    check->add_option("FILE", *file, "The mapping file (YAML)")->required();
    check->callback([file, &ctx] {
        const auto f = model::MappingFile::load(*file);  // throws with every line on a bad file
        fmt::print("{}: the file is a usable mapping\n", *file);
        const bool warehouse = !ctx.clickhouse_url.empty() || running_api(ctx) ||
                               std::filesystem::exists(ctx.warehouse_dir());
        if (!warehouse) {
            fmt::print(
                "{}: no warehouse at {}: tables, columns and values not checked (run it again "
                "after a first `tote ingest`)\n",
                *file, ctx.warehouse_dir().string());
            return;
        }
        auto conn = open_for_reading(ctx);
        const auto report = MappingCheck(*conn, ctx.database).run(f);
        fmt::print("{}", report.format(*file));
        if (!report.ok())
            throw ToteError(ErrorClass::Fatal,
                            fmt::format("{}: {} problem(s) against database '{}' (listed above): "
                                        "fix the mapping before ingesting with it",
                                        *file, report.errors.size(), ctx.database));
        fmt::print("{}: fits what database '{}' has landed\n", *file, ctx.database);
    });
}

}  // namespace tote
