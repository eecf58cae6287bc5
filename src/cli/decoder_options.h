#pragma once
// Flags that tell the Debezium decoder what the connector does with decimals.
#include <CLI/CLI.hpp>

#include <memory>

#include "decode/debezium_json_decoder.h"
#include "decode/maxwell_json_decoder.h"

namespace tote {

struct DecoderOptions {
    std::string format = "debezium";          // debezium | maxwell
    std::vector<std::string> money_columns;   // table.column
    std::vector<std::string> decimal_scales;  // table.column=scale
    std::vector<std::string> primary_keys;    // table=col1,col2 (Maxwell)
    // Builds the decoder config; throws a Fatal ToteError naming a malformed entry.
    DebeziumDecoderConfig config() const;
    // The decoder for `format`.
    std::unique_ptr<Decoder> make_decoder() const;
};

void add_decoder_options(CLI::App& cmd, DecoderOptions& options);

}  // namespace tote
