#pragma once
// A column's type declared outside the message: by the mapping file (`source_types:`), by a
// `--column-type` flag, or read from the source database's catalog. Used for messages that
// carry no value schema (schemas disabled, Maxwell), so that the source, not the first value,
// types the landing column (docs/decoding.md, "Declared types without a schema").
//
// The vocabulary is the one Kafka Connect schemas use, plus decimal(P,S):
//   int8 int16 int32 int64 | float32 float64 | boolean | string | bytes | decimal(P,S)
// with SQL synonyms: smallint, integer/int, bigint, real, double, bool, text, numeric(P,S).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/value.h"

namespace tote {

struct SourceType {
    enum class Kind { Integer, Float, Boolean, String, Bytes, Decimal };
    Kind kind = Kind::String;
    int bits = 64;          // Integer: 8, 16, 32 or 64
    int32_t precision = 0;  // Decimal: 1..38
    int32_t scale = 0;      // Decimal: 0..precision
    // The canonical text, e.g. "int32", "decimal(18,2)".
    std::string text() const;
    // The landing column the type asks for (bytes land as their base64 text).
    ColumnType landing() const;
    bool operator==(const SourceType&) const = default;
};

// nullopt with `why` set when the text is not a type of the vocabulary above.
std::optional<SourceType> parse_source_type(std::string_view text, std::string* why = nullptr);

}  // namespace tote
