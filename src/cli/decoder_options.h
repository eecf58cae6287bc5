#pragma once
// Flags that tell the Debezium decoder what the connector does with decimals.
#include <CLI/CLI.hpp>

#include "decode/debezium_json_decoder.h"

namespace tote {

struct DecoderOptions {
    std::vector<std::string> money_columns;   // table.column
    std::vector<std::string> decimal_scales;  // table.column=scale
    // Builds the decoder config; throws a Fatal ToteError naming a malformed entry.
    DebeziumDecoderConfig config() const;
};

void add_decoder_options(CLI::App& cmd, DecoderOptions& options);

}  // namespace tote
