#include "cli/decoder_options.h"

namespace tote {

void add_decoder_options(CLI::App& cmd, DecoderConfig& o) {
    cmd.add_option("--format", o.format, "Change-event format: debezium (JSON) or maxwell (JSON)")
        ->check(CLI::IsMember({"debezium", "maxwell"}))
        ->capture_default_str();
    cmd.add_option("--primary-key", o.primary_keys,
                   "Maxwell: table=col1,col2 primary key of a table (default id); repeatable");
    cmd.add_option("--money-column", o.money_columns,
                   "table.column holding money: it must arrive exactly (a double, as with "
                   "decimal.handling.mode=double, is dead-lettered); repeatable");
    cmd.add_option("--decimal-scale", o.decimal_scales,
                   "table.column=SCALE of a precise (base64) decimal when messages carry no "
                   "schema; repeatable");
    cmd.add_option("--column-type", o.column_types,
                   "table.column=TYPE: the source type of a column, for messages without a value "
                   "schema (int16, int32, int64, float64, boolean, string, bytes, "
                   "decimal(P,S), ...): its landing column takes this type and a value that "
                   "does not fit is dead-lettered; repeatable (docs/decoding.md)");
    cmd.add_option("--decimal-mode", o.decimal_mode,
                   "How the connector writes decimals (Debezium decimal.handling.mode): string "
                   "(\"12.50\") or precise (base64); used for declared decimal columns of "
                   "messages without a schema")
        ->check(CLI::IsMember({"string", "precise"}))
        ->capture_default_str();
}

}  // namespace tote
