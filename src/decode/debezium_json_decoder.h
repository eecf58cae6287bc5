#pragma once
// Decodes Debezium change events (JSON converter, schemas on or off) into ChangeEvent,
// transaction metadata into TxMarker, null values into Tombstone, and anything else into a
// DecodeFailure whose reason names the field. See docs/decoding.md for every rule.
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "decode/decoder.h"

namespace tote {

struct DebeziumDecoderConfig {
    // Scale of precise decimals (decimal.handling.mode=precise) in envelopes WITHOUT a schema,
    // keyed "table.column" (table = source.table, e.g. "bets.stake"). A listed column's string
    // is decoded as base64 of the unscaled value into Decimal(scale). Without a schema nothing
    // else tells a base64 decimal from text: an unlisted base64 string stays a String.
    // With a schema the schema's scale is used and this map is ignored.
    std::map<std::string, int32_t> decimal_scales;

    // Columns that must arrive exact (money, odds, FX rates), keyed "table.column". A record is
    // a DecodeFailure when such a column arrives as a double (schema type float/double, or
    // without a schema a JSON number with a fraction or exponent: decimal.handling.mode=double),
    // or, without a schema, as a string that is not a plain decimal and whose scale is not in
    // decimal_scales (a precise decimal whose scale is unknown).
    std::set<std::string> money_columns;

    // The schema whose tables keep their bare names as their identity (core/table_identity.h):
    // `bets` of `public` is "bets" and lands in land_bets, `bets` of `sales` is "sales.bets".
    // decimal_scales and money_columns take "schema.table.column" or "table.column" (a bare
    // table name applies in every schema).
    std::string default_schema = "public";

    // Records on topics ending with this suffix are transaction metadata (BEGIN/END).
    std::string transaction_topic_suffix = ".transaction";
};

class DebeziumJsonDecoder final : public Decoder {
public:
    explicit DebeziumJsonDecoder(DebeziumDecoderConfig config = {});
    ~DebeziumJsonDecoder() override;
    DebeziumJsonDecoder(DebeziumJsonDecoder&&) noexcept;
    DebeziumJsonDecoder& operator=(DebeziumJsonDecoder&&) noexcept;

    // Never throws for bad input. Not thread-safe (it reuses its JSON parsers): use one
    // decoder per thread.
    DecodeResult decode(const LogRecord& record) override;
    // Same outcome as decode(), reusing the strings and vectors `result` holds from an earlier
    // call (and those of the last change it decoded): no per-record allocations once warm.
    void decode_into(const LogRecord& record, DecodeResult& result) override;

    const DebeziumDecoderConfig& config() const { return config_; }

private:
    class Impl;
    DebeziumDecoderConfig config_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tote
