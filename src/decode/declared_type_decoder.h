#pragma once
// Types the columns of schema-less messages from what the source declares: a decorator around
// another decoder (Debezium JSON with schemas disabled, Maxwell). The declared types come from
// the mapping file (`source_types:`), `--column-type` flags or the source database's catalog
// (`--source-catalog`); the message's own value schema, when it has one, always wins.
// A value that does not fit its column's declared type is a DecodeFailure naming the table,
// column, declared type, where it was declared and the value (docs/decoding.md).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/source_type.h"
#include "decode/decoder.h"

namespace tote {

// How the connector writes decimals (Debezium's decimal.handling.mode): a declared decimal
// arrives as plain text ("12.50", string) or as base64 of the unscaled value (precise).
enum class DecimalMode { String, Precise };

struct DeclaredColumn {
    std::string table;   // a table identity ("bets", "sales.bets") or the bare table name
    std::string column;  // the source column
    SourceType type;
    std::string origin;  // for reasons: "mapping file mappings/x.yaml:12", "source catalog", ...
};

// Adds the declared decimal columns to an inner decoder's decimal_scales ("table.column" ->
// scale; an entry already there wins), for decoders that must read them exactly themselves:
// Maxwell (exact JSON number text) and Debezium in precise mode (base64 of the unscaled value).
void add_declared_scales(const std::vector<DeclaredColumn>& columns,
                         std::map<std::string, int32_t>& decimal_scales);

class DeclaredTypeDecoder : public Decoder {
public:
    DeclaredTypeDecoder(std::unique_ptr<Decoder> inner, const std::vector<DeclaredColumn>& columns,
                        DecimalMode mode);

    DecodeResult decode(const LogRecord& record) override;
    void decode_into(const LogRecord& record, DecodeResult& result) override;

    // The reason a value does not fit, or nullopt when `f` now holds it typed as `declared`
    // (exact conversions only: "12.50" to decimal(18,2), 7 to int32; never 12.5 to int64).
    static std::optional<std::string> convert(Field& f, const DeclaredColumn& declared,
                                              DecimalMode mode);

private:
    const DeclaredColumn* find(const std::string& table, const std::string& column) const;
    std::optional<std::string> apply(const std::string& table, const char* image, RowImage& row);

    std::unique_ptr<Decoder> inner_;
    DecimalMode mode_;
    // table -> column -> declaration
    std::map<std::string, std::map<std::string, DeclaredColumn, std::less<>>, std::less<>> tables_;
};

}  // namespace tote
