#pragma once
// The decoder configuration of a golden input: `X.config` beside `X.jsonl`, else
// `default.config` in the same folder. One setting per line, '#' starts a comment:
//   decoder debezium|maxwell
//   money_column TABLE.COLUMN
//   decimal_scale TABLE.COLUMN SCALE
//   primary_key TABLE COL1,COL2        (Maxwell)
//   column_type TABLE.COLUMN TYPE      (a declared type: DeclaredTypeDecoder)
//   decimal_mode string|precise        (how declared decimals arrive)
#include <memory>
#include <string>

#include "decode/decoder.h"

namespace tote::golden {

// Builds the decoder a golden input asks for; throws std::runtime_error on a bad config line.
std::unique_ptr<Decoder> make_decoder_for(const std::string& input_path);

}  // namespace tote::golden
