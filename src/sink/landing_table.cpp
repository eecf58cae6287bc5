#include "sink/landing_table.h"

#include "core/error.h"

#include <cstdio>

namespace tote {
namespace {

const char* op_text(Op op) {
    switch (op) {
        case Op::Create:
            return "c";
        case Op::Update:
            return "u";
        case Op::Delete:
            return "d";
        case Op::Read:
            return "r";
        case Op::Truncate:
            return "t";
    }
    return "?";
}

// The landing type a value itself has, for messages and checks.
std::string value_type_name(const Value& v) {
    struct Visitor {
        std::string operator()(const NullValue&) const { return "NULL"; }
        std::string operator()(const UnavailableValue&) const { return "unavailable"; }
        std::string operator()(int64_t) const { return "Int64"; }
        std::string operator()(double) const { return "Float64"; }
        std::string operator()(bool) const { return "UInt8 (boolean)"; }
        std::string operator()(const std::string&) const { return "String"; }
        std::string operator()(const Decimal& d) const {
            return "Decimal(38, " + std::to_string(d.scale) + ") " + to_string(d);
        }
    };
    return std::visit(Visitor{}, v);
}

// A value's text for reasons: 'text' (at most 80 characters) for a string.
std::string value_text(const Value& v) {
    struct Visitor {
        std::string operator()(const NullValue&) const { return "NULL"; }
        std::string operator()(const UnavailableValue&) const { return "unavailable"; }
        std::string operator()(int64_t x) const { return std::to_string(x); }
        std::string operator()(double x) const {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.17g", x);
            return buf;
        }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(const std::string& s) const {
            return "'" + s.substr(0, 80) + (s.size() > 80 ? "...'" : "'");
        }
        std::string operator()(const Decimal& d) const { return to_string(d); }
    };
    return std::visit(Visitor{}, v);
}

__int128 pow10_i128(int32_t n) {
    __int128 p = 1;
    for (int32_t i = 0; i < n; ++i) p *= 10;
    return p;
}

const __int128 kMaxDecimal38 = pow10_i128(38) - 1;

}  // namespace

std::optional<__int128> rescale_decimal(const Decimal& d, int32_t scale) {
    if (scale < 0 || scale > 38 || d.scale < 0 || d.scale > 38) return std::nullopt;
    __int128 v = d.unscaled;
    if (v > kMaxDecimal38 || v < -kMaxDecimal38) return std::nullopt;
    if (d.scale == scale) return v;
    if (d.scale > scale) {
        __int128 div = pow10_i128(d.scale - scale);
        if (v % div != 0) return std::nullopt;
        return v / div;
    }
    __int128 mul = pow10_i128(scale - d.scale);
    __int128 limit = kMaxDecimal38 / mul;
    if (v > limit || v < -limit) return std::nullopt;
    return v * mul;
}

LandingTable::LandingTable(std::string database, std::string source_table)
    : database_(std::move(database)),
      source_table_(std::move(source_table)),
      qualified_(sql_table(database_, landing_name(source_table_))) {}

std::string LandingTable::landing_name(std::string_view source_table) {
    return "land_" + std::string(source_table);
}

const std::vector<ColumnSpec>& LandingTable::metadata_columns() {
    static const std::vector<ColumnSpec> columns = {
        {"_key", "String"},      {"_version", "UInt64"},
        {"_op", "String"},       {"_deleted", "UInt8"},
        {"_lsn", "UInt64"},      {"_tx_id", "UInt64"},
        {"_tx_order", "UInt64"}, {"_snapshot", "UInt8"},
        {"_ts_ms", "Int64"},     {"_unavailable", "Array(String)"},
        {"_topic", "String"},    {"_partition", "Int32"},
        {"_offset", "Int64"},
    };
    return columns;
}

std::optional<ColumnType> LandingTable::parse_type(std::string_view t) {
    if (t == "Nullable(Int64)") return ColumnType{ColumnKind::Int64, 0};
    if (t == "Nullable(Float64)") return ColumnType{ColumnKind::Float64, 0};
    if (t == "Nullable(UInt8)") return ColumnType{ColumnKind::Bool, 0};
    if (t == "Nullable(String)") return ColumnType{ColumnKind::String, 0};
    constexpr std::string_view prefix = "Nullable(Decimal(38, ";
    if (t.size() > prefix.size() + 2 && t.substr(0, prefix.size()) == prefix &&
        t.substr(t.size() - 2) == "))") {
        std::string_view digits = t.substr(prefix.size(), t.size() - prefix.size() - 2);
        if (digits.empty() || digits.size() > 2) return std::nullopt;
        int32_t scale = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') return std::nullopt;
            scale = scale * 10 + (c - '0');
        }
        if (scale > 38) return std::nullopt;
        return ColumnType{ColumnKind::Decimal, scale};
    }
    return std::nullopt;
}

std::string LandingTable::create_sql(const std::vector<Column>& data) const {
    std::vector<ColumnSpec> all = metadata_columns();
    for (const auto& c : data) all.push_back({c.name, c.clickhouse_type});
    return "CREATE TABLE IF NOT EXISTS " + qualified_ + " (" + format_column_list(all) +
           ") ENGINE = ReplacingMergeTree(_version) ORDER BY _key";
}

std::string LandingTable::add_column_sql(const Column& column) const {
    return "ALTER TABLE " + qualified_ + " ADD COLUMN " + sql_identifier(column.name) + " " +
           column.clickhouse_type;
}

void LandingTable::add_column(Column column) {
    if (index_.find(column.name) != index_.end()) return;
    index_.emplace(column.name, columns_.size());
    columns_.push_back(std::move(column));
    slots_.resize(columns_.size(), nullptr);
}

const std::vector<size_t>& LandingTable::resolve(const ChangeEvent& change) const {
    resolved_.clear();
    if (change.after) {
        const auto& fields = change.after->fields;
        resolved_.resize(fields.size());
        for (size_t i = 0; i < fields.size(); ++i) resolved_[i] = column_index(fields[i].name, i);
    }
    return resolved_;
}

std::vector<LandingTable::Column> LandingTable::missing_columns(const ChangeEvent& change) const {
    return missing_columns(change, resolve(change));
}

std::vector<LandingTable::Column> LandingTable::missing_columns(
    const ChangeEvent& change, const std::vector<size_t>& columns) const {
    std::vector<Column> out;
    if (!change.after) return out;
    const auto& fields = change.after->fields;
    for (size_t i = 0; i < fields.size(); ++i) {
        const Field& f = fields[i];
        if (columns[i] != npos) continue;
        // A null says nothing about the column's type when the message has no schema (it is
        // inferred as String): the column is created by the first non-null value. With a
        // schema the declared type makes the column at once.
        if (!f.declared && (std::holds_alternative<NullValue>(f.value) ||
                            std::holds_alternative<UnavailableValue>(f.value)))
            continue;
        bool dup = false;
        for (const auto& c : out) dup = dup || c.name == f.name;
        if (!dup) out.push_back({f.name, clickhouse_type(f.type), f.type});
    }
    return out;
}

size_t LandingTable::column_index(std::string_view name, size_t field_position) const {
    if (field_position < last_order_.size()) {
        size_t guess = last_order_[field_position];
        if (guess < columns_.size() && columns_[guess].name == name) return guess;
    }
    auto it = index_.find(name);
    size_t idx = it == index_.end() ? npos : it->second;
    if (field_position >= last_order_.size()) last_order_.resize(field_position + 1, npos);
    last_order_[field_position] = idx;
    return idx;
}

std::optional<std::string> LandingTable::conflict(const ChangeEvent& change) const {
    return conflict(change, resolve(change));
}

std::optional<std::string> LandingTable::conflict(const ChangeEvent& change,
                                                  const std::vector<size_t>& columns,
                                                  std::vector<TypeChange>* changes) const {
    if (!change.after || change.op == Op::Delete) return std::nullopt;
    const auto& fields = change.after->fields;
    for (size_t i = 0; i < fields.size(); ++i) {
        const Field& f = fields[i];
        size_t idx = columns[i];
        if (idx == npos) continue;
        const Column& col = columns_[idx];
        const bool changed = f.declared && col.type != f.type;
        if (changed && changes && col.reported_declared != f.type) {
            col.reported_declared = f.type;
            changes->push_back({col.name, col.clickhouse_type, clickhouse_type(f.type)});
        }
        if (std::holds_alternative<NullValue>(f.value) ||
            std::holds_alternative<UnavailableValue>(f.value))
            continue;
        bool fits = false;
        if (col.type) {
            switch (col.type->kind) {
                case ColumnKind::Int64:
                    fits = std::holds_alternative<int64_t>(f.value);
                    break;
                case ColumnKind::Float64:
                    fits = std::holds_alternative<double>(f.value);
                    break;
                case ColumnKind::Bool:
                    fits = std::holds_alternative<bool>(f.value);
                    break;
                case ColumnKind::String:
                    fits = std::holds_alternative<std::string>(f.value);
                    break;
                case ColumnKind::Decimal:
                    fits = std::holds_alternative<Decimal>(f.value) &&
                           rescale_decimal(std::get<Decimal>(f.value), col.type->scale).has_value();
                    break;
            }
        }
        if (fits) continue;
        const std::string where = "table " + source_table_ + " (" + landing_name(source_table_) +
                                  "), column " + f.name + ": ";
        if (changed)
            return where + "the value schema declares " + clickhouse_type(f.type) +
                   " (an ALTER COLUMN in the source, a replay of changes from before one, or a "
                   "column landed from messages without a schema) but the landed column has "
                   "type " +
                   col.clickhouse_type + ", and the value " + value_text(f.value) +
                   " does not fit it, for row key " + change.key +
                   "; values are never coerced and tote never alters a landed column. To land "
                   "such values: ALTER TABLE " +
                   qualified_ + " MODIFY COLUMN " + sql_identifier(f.name) + " " +
                   clickhouse_type(f.type) +
                   " when every landed value converts exactly, then ingest again with a new "
                   "--consumer name (rows collapse by source position): docs/operations.md, \"A "
                   "column's type "
                   "changed in the source\"";
        return where + "the column has type " + col.clickhouse_type + " but the change carries a " +
               value_type_name(f.value) + " value, for row key " + change.key +
               "; values are never coerced: fix the source or land this table into a fresh "
               "database";
    }
    return std::nullopt;
}

void LandingTable::encode_value(const Column& column, const Value& value) {
    if (std::holds_alternative<NullValue>(value) ||
        std::holds_alternative<UnavailableValue>(value)) {
        batch_.null();
        return;
    }
    // conflict() has been checked; a mismatch here is a bug, never silently encoded.
    if (column.type) {
        switch (column.type->kind) {
            case ColumnKind::Int64:
                if (auto* v = std::get_if<int64_t>(&value)) {
                    batch_.not_null();
                    batch_.int64(*v);
                    return;
                }
                break;
            case ColumnKind::Float64:
                if (auto* v = std::get_if<double>(&value)) {
                    batch_.not_null();
                    batch_.float64(*v);
                    return;
                }
                break;
            case ColumnKind::Bool:
                if (auto* v = std::get_if<bool>(&value)) {
                    batch_.not_null();
                    batch_.uint8(*v ? 1 : 0);
                    return;
                }
                break;
            case ColumnKind::String:
                if (auto* v = std::get_if<std::string>(&value)) {
                    batch_.not_null();
                    batch_.string(*v);
                    return;
                }
                break;
            case ColumnKind::Decimal:
                if (auto* v = std::get_if<Decimal>(&value)) {
                    if (auto scaled = rescale_decimal(*v, column.type->scale)) {
                        batch_.not_null();
                        batch_.int128(*scaled);
                        return;
                    }
                }
                break;
        }
    }
    throw ToteError(ErrorClass::Fatal, "internal: a " + value_type_name(value) +
                                           " value reached column " + column.name + " (" +
                                           column.clickhouse_type + ") of table " + source_table_ +
                                           " without a conflict check");
}

void LandingTable::append(const ChangeEvent& change, const LogRecord& record) {
    append(change, record, resolve(change));
}

void LandingTable::append(const ChangeEvent& change, const LogRecord& record,
                          const std::vector<size_t>& columns) {
    const bool deleted = change.op == Op::Delete;
    batch_.string(change.key);
    batch_.uint64(change.version);
    batch_.string(op_text(change.op));
    batch_.uint8(deleted ? 1 : 0);
    batch_.uint64(change.source.lsn);
    batch_.uint64(change.source.tx_id);
    batch_.uint64(change.source.total_order);
    batch_.uint8(change.source.snapshot ? 1 : 0);
    batch_.int64(change.source.commit_ts_ms);
    batch_.string_array(change.unavailable);
    batch_.string(record.topic);
    batch_.int32(record.partition.value);
    batch_.int64(record.offset.value);

    std::fill(slots_.begin(), slots_.end(), nullptr);
    if (!deleted && change.after) {
        const auto& fields = change.after->fields;
        for (size_t i = 0; i < fields.size(); ++i) {
            size_t idx = columns[i];
            if (idx == npos && (std::holds_alternative<NullValue>(fields[i].value) ||
                                std::holds_alternative<UnavailableValue>(fields[i].value)))
                continue;  // no column yet (see missing_columns): NULL
            if (idx == npos)
                throw ToteError(ErrorClass::Fatal, "internal: column " + fields[i].name +
                                                       " of table " + source_table_ +
                                                       " was not added before landing");
            slots_[idx] = &fields[i];
        }
    }
    for (size_t c = 0; c < columns_.size(); ++c) {
        if (slots_[c] == nullptr)
            batch_.null();
        else
            encode_value(columns_[c], slots_[c]->value);
    }
    ++rows_;
}

std::string LandingTable::insert_columns() const {
    std::vector<ColumnSpec> all = metadata_columns();
    for (const auto& c : columns_) all.push_back({c.name, c.clickhouse_type});
    return format_column_list(all);
}

}  // namespace tote
