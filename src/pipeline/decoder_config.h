#pragma once
// Which change-event decoder a job uses and what it is told about the connector, as data
// (the CLI fills it from flags, a config file from keys). make_decoder() builds it.
#include <memory>
#include <string>
#include <vector>

#include "decode/debezium_json_decoder.h"
#include "decode/declared_type_decoder.h"
#include "decode/maxwell_json_decoder.h"

namespace tote {

struct DecoderConfig {
    std::string format = "debezium";          // debezium | maxwell
    std::vector<std::string> money_columns;   // table.column
    std::vector<std::string> decimal_scales;  // table.column=scale
    std::vector<std::string> primary_keys;    // table=col1,col2 (Maxwell)
    // Declared column types for messages without a value schema (DeclaredTypeDecoder):
    // `--column-type table.column=TYPE` flags first, then `declared_columns` (the source
    // catalog, then the mapping file's source_types); the first declaration of a column wins.
    std::vector<std::string> column_types;
    std::vector<DeclaredColumn> declared_columns;
    std::string decimal_mode = "string";  // the connector's decimal.handling.mode: string|precise

    // The Debezium decoder's settings; throws a Fatal ToteError naming a malformed entry.
    DebeziumDecoderConfig debezium() const;
    // The decoder for `format`; throws a Fatal ToteError naming a malformed entry.
    std::unique_ptr<Decoder> make_decoder() const;
    // Every declaration, flags first; throws a Fatal ToteError naming a malformed flag.
    std::vector<DeclaredColumn> declarations() const;
};

}  // namespace tote
