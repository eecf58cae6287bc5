#include "cli/decoder_options.h"

namespace tote {

void add_decoder_options(CLI::App& cmd, DecoderConfig& o) {
    cmd.add_option("--format", o.format, "Change-event format: debezium (JSON) or maxwell (JSON)")
        ->check(CLI::IsMember({"debezium", "maxwell"}))
        ->capture_default_str();
    cmd.add_option("--source-schema", o.source_schema,
                   "Debezium: the PostgreSQL schema or MySQL/MariaDB database whose tables keep "
                   "their bare names (bets, land_bets); tables of others are schema.table")
        ->capture_default_str();
    cmd.add_option("--primary-key", o.primary_keys,
                   "Maxwell: table=col1,col2 primary key of a table (default id); repeatable");
    cmd.add_option("--money-column", o.money_columns,
                   "table.column holding money: it must arrive exactly (a double, as with "
                   "decimal.handling.mode=double, is dead-lettered); repeatable");
    cmd.add_option("--decimal-scale", o.decimal_scales,
                   "table.column=SCALE of a precise (base64) decimal when messages carry no "
                   "schema; repeatable");
}

}  // namespace tote
