#include "decode/decode_result_format.h"

#include <charconv>
#include <cstdio>

namespace tote {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

void append_row(std::string& out, const std::optional<RowImage>& row) {
    if (!row) {
        out += '-';
        return;
    }
    out += '{';
    bool first = true;
    for (const auto& f : row->fields) {
        if (!first) out += ", ";
        first = false;
        out += f.name;
        out += ':';
        out += format_column_type(f.type);
        out += '=';
        append_value(out, f.value);
    }
    out += '}';
}

}  // namespace

std::string format_column_type(const ColumnType& t) {
    switch (t.kind) {
        case ColumnKind::Int64:
            return "Int64";
        case ColumnKind::Float64:
            return "Float64";
        case ColumnKind::Bool:
            return "Bool";
        case ColumnKind::String:
            return "String";
        case ColumnKind::Decimal:
            return "Decimal(" + std::to_string(t.scale) + ")";
    }
    return "?";
}

void append_value(std::string& out, const Value& v) {
    std::visit(Overloaded{
                   [&](const NullValue&) { out += "null"; },
                   [&](const UnavailableValue&) { out += "<unavailable>"; },
                   [&](int64_t x) { out += std::to_string(x); },
                   [&](double x) {
                       char buf[64];
                       auto res = std::to_chars(buf, buf + sizeof buf, x);
                       out.append(buf, res.ptr);
                   },
                   [&](bool x) { out += x ? "true" : "false"; },
                   [&](const std::string& x) { append_json_string(out, x); },
                   [&](const Decimal& x) { out += to_string(x); },
               },
               v);
}

std::string format_decode_result(const DecodeResult& r) {
    std::string out;
    std::visit(Overloaded{
                   [&](const ChangeEvent& e) {
                       out += "change table=" + e.table + " op=" + static_cast<char>(e.op);
                       out += " key=" + e.key;
                       out += " version=" + std::to_string(e.version);
                       out += " lsn=" + std::to_string(e.source.lsn) + " (" +
                              format_lsn(e.source.lsn) + ")";
                       out += " tx=" + std::to_string(e.source.tx_id);
                       out += " order=" + std::to_string(e.source.total_order);
                       if (e.source.tx_last) out += " last";
                       out += e.source.snapshot_table_end ? " snapshot=table_end"
                              : e.source.snapshot         ? " snapshot=true"
                                                          : " snapshot=false";
                       out += " ts=" + std::to_string(e.source.commit_ts_ms);
                       out += " before=";
                       append_row(out, e.before);
                       out += " after=";
                       append_row(out, e.after);
                       out += " unavailable=[";
                       for (size_t i = 0; i < e.unavailable.size(); ++i) {
                           if (i) out += ',';
                           out += e.unavailable[i];
                       }
                       out += ']';
                   },
                   [&](const TxMarker& m) {
                       out += m.begin ? "txmarker BEGIN" : "txmarker END";
                       out += " tx=" + std::to_string(m.tx_id);
                       if (!m.begin) out += " events=" + std::to_string(m.event_count);
                       out += " lsn=" + std::to_string(m.lsn);
                       out += " ts=" + std::to_string(m.ts_ms);
                   },
                   [&](const Tombstone&) { out += "tombstone"; },
                   [&](const SchemaChange& s) {
                       out += "schema_change database=" + s.database + " table=" + s.table;
                       out += " lsn=" + std::to_string(s.source.lsn);
                       out += " tx=" + std::to_string(s.source.tx_id);
                       out += s.source.snapshot ? " snapshot=true" : " snapshot=false";
                       out += " ddl=";
                       append_json_string(out, s.ddl.substr(0, 120));
                   },
                   [&](const DecodeFailure& f) {
                       out += "failure ";
                       append_json_string(out, f.reason);
                   },
               },
               r);
    return out;
}

}  // namespace tote
