#pragma once
// Flags that tell the decoder what the connector does (format, decimals, Maxwell keys): they
// fill a DecoderConfig (src/pipeline/decoder_config.h).
#include <CLI/CLI.hpp>

#include "pipeline/decoder_config.h"

namespace tote {

void add_decoder_options(CLI::App& cmd, DecoderConfig& options);

}  // namespace tote
