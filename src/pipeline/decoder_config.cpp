#include "pipeline/decoder_config.h"

#include "core/error.h"

namespace tote {

DebeziumDecoderConfig DecoderConfig::debezium() const {
    DebeziumDecoderConfig c;
    for (const auto& m : money_columns) c.money_columns.insert(m);
    for (const auto& d : decimal_scales) {
        auto eq = d.find('=');
        int scale = -1;
        try {
            if (eq != std::string::npos) scale = std::stoi(d.substr(eq + 1));
        } catch (const std::exception&) {
            scale = -1;
        }
        if (eq == std::string::npos || eq == 0 || scale < 0 || scale > 38)
            throw ToteError(
                ErrorClass::Fatal,
                "--decimal-scale '" + d + "': expected table.column=SCALE with SCALE 0..38");
        c.decimal_scales[d.substr(0, eq)] = scale;
    }
    return c;
}

std::vector<DeclaredColumn> DecoderConfig::declarations() const {
    std::vector<DeclaredColumn> out;
    for (const auto& c : column_types) {
        const auto eq = c.find('=');
        const auto dot = c.rfind('.', eq);
        std::string why;
        std::optional<SourceType> t;
        if (eq != std::string::npos) t = parse_source_type(c.substr(eq + 1), &why);
        if (eq == std::string::npos || dot == std::string::npos || dot == 0 || dot + 1 >= eq || !t)
            throw ToteError(ErrorClass::Fatal, "--column-type '" + c +
                                                   "': expected table.column=TYPE" +
                                                   (why.empty() ? "" : " (" + why + ")"));
        out.push_back(DeclaredColumn{c.substr(0, dot), c.substr(dot + 1, eq - dot - 1), *t,
                                     "declared by --column-type"});
    }
    out.insert(out.end(), declared_columns.begin(), declared_columns.end());
    return out;
}

std::unique_ptr<Decoder> DecoderConfig::make_decoder() const {
    if (decimal_mode != "string" && decimal_mode != "precise")
        throw ToteError(ErrorClass::Fatal, "--decimal-mode '" + decimal_mode +
                                               "': expected string or precise (the connector's "
                                               "decimal.handling.mode; double is not exact)");
    const DecimalMode mode = decimal_mode == "precise" ? DecimalMode::Precise : DecimalMode::String;
    std::vector<DeclaredColumn> declared = declarations();
    auto wrap = [&](std::unique_ptr<Decoder> inner) -> std::unique_ptr<Decoder> {
        if (declared.empty()) return inner;
        return std::make_unique<DeclaredTypeDecoder>(std::move(inner), declared, mode);
    };
    DebeziumDecoderConfig d = debezium();
    if (format == "debezium") {
        // Precise mode: the decoder reads a declared decimal's base64 with the declared scale.
        if (mode == DecimalMode::Precise) add_declared_scales(declared, d.decimal_scales);
        return wrap(std::make_unique<DebeziumJsonDecoder>(std::move(d)));
    }
    if (format != "maxwell")
        throw ToteError(ErrorClass::Fatal,
                        "unknown change-event format '" + format + "' (debezium or maxwell)");
    MaxwellDecoderConfig m;
    m.money_columns = d.money_columns;
    m.decimal_scales = d.decimal_scales;
    for (const auto& pk : primary_keys) {
        auto eq = pk.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pk.size())
            throw ToteError(ErrorClass::Fatal,
                            "--primary-key '" + pk + "': expected table=col1,col2");
        std::vector<std::string> cols;
        size_t start = eq + 1;
        while (start <= pk.size()) {
            size_t comma = pk.find(',', start);
            if (comma == std::string::npos) comma = pk.size();
            cols.push_back(pk.substr(start, comma - start));
            start = comma + 1;
        }
        m.primary_keys[pk.substr(0, eq)] = cols;
    }
    // Maxwell writes DECIMAL as exact JSON numbers: a declared decimal is read from that text.
    add_declared_scales(declared, m.decimal_scales);
    return wrap(std::make_unique<MaxwellJsonDecoder>(std::move(m)));
}

}  // namespace tote
