#include "decode/debezium_json_decoder.h"
#include "core/table_identity.h"
#include "decode/column_rules.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "decode/decimal_codec.h"

namespace tote {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::string_view kUnavailable = "__debezium_unavailable_value";
// The placeholder as Debezium writes it into a bytes column (base64 of the text above).
constexpr std::string_view kUnavailableBase64 = "X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==";
constexpr std::string_view kConnectDecimal = "org.apache.kafka.connect.data.Decimal";
constexpr std::string_view kVariableScaleDecimal = "io.debezium.data.VariableScaleDecimal";

using Error = std::optional<std::string>;

// For lookups whose type was checked just before: the error code cannot be set.
inline void take(simdjson::error_code) {}

// How a column's declared (Kafka Connect schema) type is read.
enum class Declared : uint8_t {
    Int8,
    Int16,
    Int32,
    Int64,
    Float,
    Boolean,
    String,
    Bytes,
    Decimal,               // bytes named org.apache.kafka.connect.data.Decimal
    VariableScaleDecimal,  // struct named io.debezium.data.VariableScaleDecimal
    Json,                  // any other struct, array or map: compact JSON text
    Unknown,
};

// One column of a value schema, resolved once per distinct schema (see RowSchema).
struct SchemaField {
    std::string name;
    Declared kind = Declared::Unknown;
    ColumnType type;  // the landing type the declared type asks for (docs/decoding.md)
    int32_t scale = 0;
    // The declared type for reasons, e.g. "int32", "string io.debezium.time.ZonedTimestamp",
    // "Decimal(scale 2) (bytes org.apache.kafka.connect.data.Decimal)"; for Unknown the type.
    std::string declared;
};

// The columns of a table's value schema, with the schema's exact text as the cache key.
struct RowSchema {
    std::string text;  // the value's "schema" member as it appears in the message
    std::vector<SchemaField> fields;
};

constexpr std::string_view kSchemaPrefix = R"({"schema":)";

// One past the end of the JSON object or array starting at t[pos], or npos when it does not
// close. Strings (with escapes) are skipped; the text is valid JSON (the parser accepted it).
size_t json_value_end(std::string_view t, size_t pos) {
    int depth = 0;
    bool in_string = false;
    for (size_t i = pos; i < t.size(); ++i) {
        const char c = t[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) return i + 1;
        }
    }
    return std::string_view::npos;
}

std::string_view json_type_name(element_type t) {
    switch (t) {
        case element_type::ARRAY:
            return "an array";
        case element_type::OBJECT:
            return "an object";
        case element_type::INT64:
            return "an integer";
        case element_type::UINT64:
            return "an integer above the Int64 range";
        case element_type::DOUBLE:
            return "a non-integer number";
        case element_type::STRING:
            return "a string";
        case element_type::BOOL:
            return "a boolean";
        case element_type::NULL_VALUE:
            return "null";
    }
    return "unknown";
}

bool is_null(const element& e) {
    return e.type() == element_type::NULL_VALUE;
}

// The field's element, or nullopt when absent.
std::optional<element> field_of(const object& o, std::string_view key) {
    element e;
    if (o.at_key(key).get(e)) return std::nullopt;
    return e;
}

std::string quoted(std::string_view s) {
    return "'" + std::string(s.substr(0, 80)) + "'";
}

std::string wrong_type(std::string_view what, std::string_view expected, const element& e) {
    return std::string(what) + " is " + std::string(json_type_name(e.type())) + ", expected " +
           std::string(expected);
}

// A value for a reason: 'text' for a string, compact JSON otherwise (at most 80 characters).
std::string shown(const element& v) {
    if (v.type() == element_type::STRING) {
        std::string_view s;
        take(v.get_string().get(s));
        return quoted(s);
    }
    std::string j = simdjson::minify(v);
    if (j.size() > 80) j = j.substr(0, 80) + "...";
    return j;
}

// "value '12.50' (a string) does not fit the declared type int64[: why]"
std::string misfit(const SchemaField& sf, const element& v, std::string_view why = {}) {
    std::string r = "value " + shown(v) + " (" + std::string(json_type_name(v.type())) +
                    ") does not fit the declared type " + sf.declared;
    if (!why.empty()) r += ": " + std::string(why);
    return r;
}

// Key comparison for the envelope's hot loops: size and first byte before a memcmp of a
// compile-time length (inlined, no library call).
template <size_t N>
inline bool eq(std::string_view a, const char (&lit)[N]) {
    constexpr size_t n = N - 1;
    return a.size() == n && a[0] == lit[0] && std::memcmp(a.data(), lit, n) == 0;
}

// Sets a value to text, reusing the string the value already holds (no allocation when its
// capacity suffices).
inline void set_text(Value& v, std::string_view s) {
    if (auto* p = std::get_if<std::string>(&v))
        p->assign(s);
    else
        v.emplace<std::string>(s);
}

// A required non-negative integer.
Error read_uint(const std::optional<element>& e, std::string_view path, uint64_t& out) {
    if (!e || is_null(*e)) return std::string(path) + " missing";
    auto t = e->type();
    if (t == element_type::UINT64) {
        take(e->get_uint64().get(out));
        return std::nullopt;
    }
    if (t != element_type::INT64) return wrong_type(path, "an integer", *e);
    int64_t v = 0;
    take(e->get_int64().get(v));
    if (v < 0) return std::string(path) + " is negative (" + std::to_string(v) + ")";
    out = static_cast<uint64_t>(v);
    return std::nullopt;
}

Error read_int(const std::optional<element>& e, std::string_view path, int64_t& out) {
    if (!e || is_null(*e)) return std::string(path) + " missing";
    if (e->type() != element_type::INT64) return wrong_type(path, "an integer", *e);
    take(e->get_int64().get(out));
    return std::nullopt;
}

Error read_string(const std::optional<element>& e, std::string_view path, std::string_view& out) {
    if (!e || is_null(*e)) return std::string(path) + " missing";
    if (e->type() != element_type::STRING) return wrong_type(path, "a string", *e);
    take(e->get_string().get(out));
    return std::nullopt;
}

Error read_uint(const object& o, std::string_view key, std::string_view path, uint64_t& out) {
    return read_uint(field_of(o, key), path, out);
}
Error read_int(const object& o, std::string_view key, std::string_view path, int64_t& out) {
    return read_int(field_of(o, key), path, out);
}
Error read_string(const object& o, std::string_view key, std::string_view path,
                  std::string_view& out) {
    return read_string(field_of(o, key), path, out);
}

// True when text is a flat JSON object already in canonical form: no whitespace, keys and
// string values of printable ASCII without escapes, integers without leading zeros, e.g.
// {"id":5} or {"bet_id":1,"leg_no":2}. Such a key is used as is, without a parse.
bool is_canonical_flat_key(std::string_view t) {
    size_t i = 0, n = t.size();
    auto plain_string = [&] {
        if (i >= n || t[i] != '"') return false;
        for (++i; i < n && t[i] != '"'; ++i) {
            auto c = static_cast<unsigned char>(t[i]);
            if (c < 0x20 || c >= 0x7F || c == '\\') return false;
        }
        if (i >= n) return false;
        ++i;
        return true;
    };
    auto integer = [&] {
        if (i < n && t[i] == '-') ++i;
        if (i >= n || t[i] < '0' || t[i] > '9') return false;
        if (t[i] == '0') {
            ++i;
            return !(i < n && t[i] >= '0' && t[i] <= '9') &&
                   !(t[i - 1] == '0' && i >= 2 && t[i - 2] == '-');
        }
        size_t start = i;
        while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
        return i - start <= 18;  // fits Int64 without checking
    };
    if (n < 2 || t[0] != '{' || t[n - 1] != '}') return false;
    i = 1;
    for (;;) {
        if (!plain_string()) return false;
        if (i >= n || t[i++] != ':') return false;
        if (i < n && t[i] == '"') {
            if (!plain_string()) return false;
        } else if (!integer()) {
            return false;
        }
        if (i >= n) return false;
        if (t[i] == '}') return i + 1 == n;
        if (t[i++] != ',') return false;
    }
}

// {schema, payload} of the JSON converter with schemas.enable=true.
bool is_schema_envelope(const object& o) {
    if (o.size() != 2) return false;
    auto s = field_of(o, "schema");
    auto p = field_of(o, "payload");
    return s && p && (s->type() == element_type::OBJECT || is_null(*s));
}

// source.snapshot: whether the record is a snapshot read, and whether it is the last read of a
// table by a complete snapshot ("last_in_data_collection", or "last" for the last table).
Error parse_snapshot(const std::optional<element>& e, bool& snapshot, bool& table_end) {
    snapshot = false;
    table_end = false;
    if (!e || is_null(*e)) return std::nullopt;
    if (e->type() == element_type::BOOL) {
        take(e->get_bool().get(snapshot));
        return std::nullopt;
    }
    if (e->type() != element_type::STRING) return wrong_type("source.snapshot", "a string", *e);
    std::string_view s;
    take(e->get_string().get(s));
    if (s == "false") return std::nullopt;
    if (s == "true" || s == "first" || s == "last" || s == "first_in_data_collection" ||
        s == "last_in_data_collection" || s == "incremental") {
        snapshot = true;
        table_end = s == "last" || s == "last_in_data_collection";
        return std::nullopt;
    }
    return "source.snapshot has the unknown value " + quoted(s);
}

// Parses the parameters.scale of a Connect Decimal schema.
Error read_decimal_scale(const object& field_schema, std::string_view column, int32_t& scale) {
    std::string what = "schema of column " + std::string(column) + ": Decimal parameters.scale";
    object params;
    auto p = field_of(field_schema, "parameters");
    if (!p || p->get_object().get(params)) return what + " missing";
    std::string_view text;
    if (auto err = read_string(params, "scale", what, text)) return err;
    if (text.empty() || text.size() > 2) return what + " " + quoted(text) + " is not in 0..38";
    int v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return what + " " + quoted(text) + " is not a number";
        v = v * 10 + (c - '0');
    }
    if (v > kMaxDecimalDigits) return what + " " + quoted(text) + " is not in 0..38";
    scale = v;
    return std::nullopt;
}

// A MariaDB GTID "domain-server-sequence" (digits only) as a transaction id
// (binlog_gtid_tx_id); nullopt when the text is not one.
std::optional<uint64_t> gtid_tx_id(std::string_view s) {
    uint64_t part[3] = {0, 0, 0};
    size_t n = 0;
    size_t digits = 0;
    for (char c : s) {
        if (c == '-') {
            if (digits == 0 || ++n == 3) return std::nullopt;
            digits = 0;
        } else if (c >= '0' && c <= '9') {
            if (++digits > 19) return std::nullopt;
            part[n] = part[n] * 10 + static_cast<uint64_t>(c - '0');
        } else {
            return std::nullopt;
        }
    }
    if (n != 2 || digits == 0) return std::nullopt;
    uint64_t id = 0;
    if (!binlog_gtid_tx_id(part[0], part[2], id)) return std::nullopt;
    return id;
}

// The number of a binlog file name: the digits after its last '.' (mariadb-bin.000004 -> 4).
std::optional<uint64_t> binlog_file_number(std::string_view name) {
    const size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot + 1 == name.size() || name.size() - dot > 11)
        return std::nullopt;
    uint64_t v = 0;
    for (char c : name.substr(dot + 1)) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
}

}  // namespace

class DebeziumJsonDecoder::Impl {
public:
    explicit Impl(const DebeziumDecoderConfig& config)
        : suffix_(config.transaction_topic_suffix),
          default_schema_(config.default_schema),
          rules_(make_column_rules(config.decimal_scales, config.money_columns)) {}

    void decode_into(const LogRecord& record, DecodeResult& out) {
        if (!record.value) return put(out, Tombstone{});
        if (!suffix_.empty() && record.topic.size() >= suffix_.size() &&
            std::string_view(record.topic).substr(record.topic.size() - suffix_.size()) == suffix_)
            return decode_tx_marker(record, out);
        decode_change_into(record, out);
    }

private:
    // `out` as an empty ChangeEvent, built from the storage of the previous change (the one
    // `out` holds, else the one kept in spare_) so its strings and vectors are reused.
    ChangeEvent& change_in(DecodeResult& out) {
        ChangeEvent* ev = std::get_if<ChangeEvent>(&out);
        if (!ev) ev = &out.emplace<ChangeEvent>(std::move(spare_));
        ev->table.clear();
        ev->op = Op::Create;
        ev->key.clear();
        if (ev->before) {
            spare_before_ = std::move(*ev->before);
            ev->before.reset();
        }
        if (ev->after) {
            spare_after_ = std::move(*ev->after);
            ev->after.reset();
        }
        ev->source = SourcePosition{};
        ev->version = 0;
        ev->unavailable.clear();
        return *ev;
    }

    // Stores a non-change result, keeping the storage of a change `out` held for later.
    template <class T>
    void put(DecodeResult& out, T&& value) {
        if (auto* ev = std::get_if<ChangeEvent>(&out)) spare_ = std::move(*ev);
        out = std::forward<T>(value);
    }

    void decode_change_into(const LogRecord& record, DecodeResult& out) {
        ChangeEvent& ev = change_in(out);
        routed_tx_marker_ = false;
        routed_schema_change_ = false;
        if (auto err = decode_change(record, ev)) {
            // Transaction metadata routed into the same topic as the changes (one ordered topic
            // per database: docs/operations.md) is known by its shape: status, no op.
            if (routed_tx_marker_) return decode_tx_marker(record, out);
            if (routed_schema_change_) return decode_schema_change(record, out);
            put(out, DecodeFailure{std::move(*err)});
        }
    }

    // The value's payload object (inside {schema, payload} or the value itself); schema is
    // set when the envelope carries one. With `cached`: when the value's schema text is one
    // already read (cached_schema), only the payload is parsed and *cached is set instead of
    // schema (the same outcome: a cached text is a complete JSON object, so the value is
    // {"schema":<it>,"payload":<the object parsed>}).
    Error open_value(const std::string& text, object& payload, std::optional<object>& schema,
                     const RowSchema** cached = nullptr) {
        if (cached) {
            size_t at = 0;
            if (const RowSchema* rs = cached_schema(text, at)) {
                const size_t end = text.find_last_not_of(" \t\r\n");
                element p;
                if (end != std::string::npos && end > at && text[end] == '}' &&
                    !value_parser_.parse(text.data() + at, end - at).get(p) &&
                    !p.get_object().get(payload)) {
                    *cached = rs;
                    return std::nullopt;
                }
            }
        }
        element root;
        if (auto err = value_parser_.parse(text).get(root))
            return std::string("value is not valid JSON: ") + simdjson::error_message(err);
        object top;
        if (root.get_object().get(top)) return wrong_type("value", "an object", root);
        if (is_schema_envelope(top)) {
            element p = *field_of(top, "payload");
            if (p.get_object().get(payload)) return wrong_type("payload", "an object", p);
            element s = *field_of(top, "schema");
            object so;
            if (!s.get_object().get(so)) schema = so;
        } else {
            payload = top;
        }
        return std::nullopt;
    }

    void decode_tx_marker(const LogRecord& record, DecodeResult& out) {
        object payload;
        std::optional<object> schema;
        if (auto err = open_value(*record.value, payload, schema))
            return put(out, DecodeFailure{"transaction metadata: " + *err});
        // A table named "transaction" has a topic with the same suffix: its records carry
        // op and source, and no status.
        if (!field_of(payload, "status") && field_of(payload, "op") &&
            field_of(payload, "source")) {
            return decode_change_into(record, out);
        }
        TxMarker m;
        std::string_view status, id;
        if (auto err = read_string(payload, "status", "transaction metadata status", status))
            return put(out, DecodeFailure{*err});
        if (status == "BEGIN")
            m.begin = true;
        else if (status == "END")
            m.begin = false;
        else
            return put(out, DecodeFailure{"transaction metadata status " + quoted(status) +
                                          " is neither BEGIN nor END"});
        if (auto err = read_string(payload, "id", "transaction metadata id", id))
            return put(out, DecodeFailure{*err});
        // MySQL/MariaDB connectors: the id is the GTID; the changes are versioned by their own
        // binlog positions (binlog order is commit order), so END carries no position.
        if (auto gtid = gtid_tx_id(id)) {
            m.tx_id = *gtid;
            if (!m.begin) {
                if (auto err = read_uint(payload, "event_count", "END event_count", m.event_count))
                    return put(out, DecodeFailure{*err});
            }
            if (auto err = read_int(payload, "ts_ms", "transaction metadata ts_ms", m.ts_ms))
                return put(out, DecodeFailure{*err});
            return put(out, m);
        }
        std::string_view tx = id.substr(0, id.find(':'));
        if (tx.empty() || tx.size() > 19)
            return put(out, DecodeFailure{
                                "transaction id " + quoted(id) +
                                " is neither PostgreSQL's <txId>:<lsn> nor a MariaDB GTID "
                                "<domain>-<server>-<sequence> (a MySQL connector without GTIDs, "
                                "or MySQL's uuid:N GTIDs, are not supported: docs/decoding.md)"});
        for (char c : tx) {
            if (c < '0' || c > '9')
                return put(out, DecodeFailure{"transaction id " + quoted(id) +
                                              " does not start with a numeric txId"});
            m.tx_id = m.tx_id * 10 + static_cast<uint64_t>(c - '0');
        }
        // "<txId>:<lsn>": END's LSN is the commit's (0 when absent or not a number: the
        // transaction's changes then keep the versions of their own LSNs).
        if (size_t colon = id.find(':'); colon != std::string_view::npos) {
            std::string_view lsn = id.substr(colon + 1);
            uint64_t v = 0;
            auto [ptr, ec] = std::from_chars(lsn.data(), lsn.data() + lsn.size(), v);
            if (ec == std::errc() && ptr == lsn.data() + lsn.size()) m.lsn = v;
        }
        if (!m.begin) {
            if (auto err = read_uint(payload, "event_count", "END event_count", m.event_count))
                return put(out, DecodeFailure{*err});
        }
        if (auto err = read_int(payload, "ts_ms", "transaction metadata ts_ms", m.ts_ms))
            return put(out, DecodeFailure{*err});
        put(out, m);
    }

    // source.file, source.pos and source.row of the MySQL/MariaDB connectors as the position in
    // commit order (binlog_position in core/source_position.h).
    static Error read_binlog_position(const element& file_el, const std::optional<element>& pos,
                                      const std::optional<element>& row, uint64_t& out) {
        std::string_view file;
        if (auto err = read_string(file_el, "source.file", file)) return err;
        uint64_t offset = 0, index = 0;
        if (auto err = read_uint(pos, "source.pos", offset)) return err;
        if (row && !is_null(*row))
            if (auto err = read_uint(row, "source.row", index)) return err;
        auto number = binlog_file_number(file);
        if (!number)
            return "source.file " + quoted(file) +
                   " does not end in a binlog file number (e.g. mariadb-bin.000004)";
        if (!binlog_position(*number, offset, index, out))
            return "binlog position " + std::string(file) + ":" + std::to_string(offset) + " row " +
                   std::to_string(index) + " does not fit a row version (file number < " +
                   std::to_string(kBinlogMaxFile + 1) + ", offset < 2^32, row < " +
                   std::to_string(kBinlogMaxRow + 1) + ": docs/architecture.md, Row versions)";
        return std::nullopt;
    }

    // A schema change event ({source, databaseName, ddl, tableChanges}, no op).
    void decode_schema_change(const LogRecord& record, DecodeResult& out) {
        object payload;
        std::optional<object> schema;
        if (auto err = open_value(*record.value, payload, schema))
            return put(out, DecodeFailure{"schema change: " + *err});
        SchemaChange sc;
        std::string_view ddl, db, table;
        if (auto err = read_string(payload, "ddl", "schema change ddl", ddl))
            return put(out, DecodeFailure{*err});
        if (auto e = field_of(payload, "databaseName"); e && e->type() == element_type::STRING)
            take(e->get_string().get(db));
        object source;
        auto src = field_of(payload, "source");
        if (!src || src->get_object().get(source))
            return put(out, DecodeFailure{"schema change: source missing"});
        if (auto e = field_of(source, "table"); e && e->type() == element_type::STRING)
            take(e->get_string().get(table));
        if (auto file = field_of(source, "file"); file && !is_null(*file)) {
            if (auto err = read_binlog_position(*file, field_of(source, "pos"),
                                                field_of(source, "row"), sc.source.lsn))
                return put(out, DecodeFailure{"schema change: " + *err});
        }
        if (auto g = field_of(source, "gtid"); g && g->type() == element_type::STRING) {
            std::string_view text;
            take(g->get_string().get(text));
            if (auto id = gtid_tx_id(text)) sc.source.tx_id = *id;
        }
        bool table_end = false;
        if (auto err = parse_snapshot(field_of(source, "snapshot"), sc.source.snapshot, table_end))
            return put(out, DecodeFailure{"schema change: " + *err});
        if (auto t = field_of(source, "ts_ms"); t && t->type() == element_type::INT64)
            take(t->get_int64().get(sc.source.commit_ts_ms));
        sc.database.assign(db);
        sc.table.assign(table);
        sc.ddl.assign(ddl);
        put(out, std::move(sc));
    }

    Error decode_change(const LogRecord& record, ChangeEvent& ev) {
        object payload;
        std::optional<object> schema;
        const RowSchema* fields = nullptr;  // the row schema, when the cache knows its text
        if (auto err = open_value(*record.value, payload, schema, &fields)) return err;

        // One pass over the envelope and its source block (no repeated key lookups).
        std::optional<element> before, after, src, tx, op_el;
        bool has_status = false;
        bool has_ddl = false;
        for (auto [k, v] : payload) {
            if (eq(k, "before"))
                before = v;
            else if (eq(k, "after"))
                after = v;
            else if (eq(k, "source"))
                src = v;
            else if (eq(k, "transaction"))
                tx = v;
            else if (eq(k, "op"))
                op_el = v;
            else if (eq(k, "status"))
                has_status = true;
            else if (eq(k, "ddl"))
                has_ddl = true;
        }
        if (!op_el && !src && has_status) {
            routed_tx_marker_ = true;
            return std::string("transaction metadata");
        }
        if (!op_el && src && has_ddl) {
            routed_schema_change_ = true;
            return std::string("schema change");
        }
        std::string_view op;
        if (auto err = read_string(op_el, "op", op)) return err;
        if (op.size() != 1 || std::string_view("cudrt").find(op[0]) == std::string_view::npos)
            return "unknown op " + quoted(op) + " (expected c, u, d, r or t)";
        ev.op = static_cast<Op>(op[0]);

        if (!src || is_null(*src)) return std::string("source missing");
        object source;
        if (src->get_object().get(source)) return wrong_type("source", "an object", *src);
        std::optional<element> table_el, schema_el, db_el, lsn, txid, ts_ms, snapshot, file, pos,
            row, gtid;
        for (auto [k, v] : source) {
            if (eq(k, "table"))
                table_el = v;
            else if (eq(k, "schema"))
                schema_el = v;
            else if (eq(k, "db"))
                db_el = v;
            else if (eq(k, "lsn"))
                lsn = v;
            else if (eq(k, "txId"))
                txid = v;
            else if (eq(k, "ts_ms"))
                ts_ms = v;
            else if (eq(k, "snapshot"))
                snapshot = v;
            else if (eq(k, "file"))
                file = v;
            else if (eq(k, "pos"))
                pos = v;
            else if (eq(k, "row"))
                row = v;
            else if (eq(k, "gtid"))
                gtid = v;
        }
        std::string_view table, table_schema;
        if (auto err = read_string(table_el, "source.table", table)) return err;
        // The table's identity includes its schema (PostgreSQL); without one (Debezium's MySQL
        // connector) the database is the schema (core/table_identity.h).
        if (schema_el && !is_null(*schema_el)) {
            if (auto err = read_string(schema_el, "source.schema", table_schema)) return err;
        } else if (db_el && !is_null(*db_el)) {
            if (auto err = read_string(db_el, "source.db", table_schema)) return err;
        }
        if (table_schema == default_schema_ && table.find_first_of(".%") == std::string_view::npos)
            ev.table.assign(table);  // the common case, without a new string
        else
            ev.table = TableIdentity::of(table_schema, table, default_schema_);
        std::optional<element> tx_id_text;  // MySQL/MariaDB: transaction.id, else source.gtid
        if (file && !is_null(*file)) {
            if (auto err = read_binlog_position(*file, pos, row, ev.source.lsn)) return err;
            if (gtid && !is_null(*gtid)) tx_id_text = gtid;
        } else {
            if (auto err = read_uint(lsn, "source.lsn", ev.source.lsn)) return err;
            if (txid && !is_null(*txid))
                if (auto err = read_uint(txid, "source.txId", ev.source.tx_id)) return err;
        }
        if (auto err = read_int(ts_ms, "source.ts_ms", ev.source.commit_ts_ms)) return err;
        if (auto err = parse_snapshot(snapshot, ev.source.snapshot, ev.source.snapshot_table_end))
            return err;
        if (tx && !is_null(*tx)) {
            object txo;
            if (tx->get_object().get(txo)) return wrong_type("transaction", "an object", *tx);
            if (auto err =
                    read_uint(txo, "total_order", "transaction.total_order", ev.source.total_order))
                return err;
            if (file && !is_null(*file)) tx_id_text = field_of(txo, "id");
        }
        if (tx_id_text) {
            std::string_view text;
            if (auto err = read_string(tx_id_text, "transaction.id", text)) return err;
            auto id = gtid_tx_id(text);
            if (!id)
                return "transaction id " + quoted(text) +
                       " is not a MariaDB GTID <domain>-<server>-<sequence> with domain < 2^24 "
                       "and sequence < 2^40 (MySQL's uuid:N GTIDs are not supported: "
                       "docs/decoding.md)";
            ev.source.tx_id = *id;
        }
        // MySQL/MariaDB log TRUNCATE as DDL, committed implicitly before and after: its
        // transaction holds the truncate alone, and Debezium opens it (BEGIN) but never writes
        // its END. The truncate itself ends it, as Maxwell's commit flag does.
        if (ev.op == Op::Truncate && file && !is_null(*file) && ev.source.tx_id != 0 &&
            ev.source.total_order > 0)
            ev.source.tx_last = true;
        ev.version = pack_version(ev.source, ev.op == Op::Truncate);

        if (ev.op != Op::Truncate) {
            if (!record.key) return "key missing: op " + std::string(op) + " needs the row key";
            if (auto err = decode_key(*record.key, ev.key)) return err;
        }

        bool has_before = before && !is_null(*before);
        bool has_after = after && !is_null(*after);
        if ((ev.op == Op::Create || ev.op == Op::Read || ev.op == Op::Update) && !has_after)
            return "after missing for op " + std::string(op);
        if (ev.op == Op::Delete && !has_before) return std::string("before missing for op d");
        if (!has_before && !has_after) return std::nullopt;

        if (!fields && schema) {
            if (auto err = row_schema_for(*record.value, *schema, fields)) return err;
        }
        // Rules keyed by the table's identity, else by its bare name (every schema).
        auto rules_it = rules_.find(ev.table);
        if (rules_it == rules_.end()) rules_it = rules_.find(table);
        const TableRules* rules = rules_it == rules_.end() ? nullptr : &rules_it->second;
        if (has_before) {
            object row;
            if (before->get_object().get(row)) return wrong_type("before", "an object", *before);
            ev.before.emplace(std::move(spare_before_));
            if (auto err = decode_row(row, "before", fields, rules, ev, *ev.before)) return err;
        }
        if (has_after) {
            object row;
            if (after->get_object().get(row)) return wrong_type("after", "an object", *after);
            ev.after.emplace(std::move(spare_after_));
            if (auto err = decode_row(row, "after", fields, rules, ev, *ev.after)) return err;
        }
        return std::nullopt;
    }

    Error decode_key(const std::string& text, std::string& out) {
        if (is_canonical_flat_key(text)) {
            out = text;
            return std::nullopt;
        }
        element root;
        if (auto err = key_parser_.parse(text).get(root))
            return std::string("key is not valid JSON: ") + simdjson::error_message(err);
        object top;
        if (root.get_object().get(top)) return wrong_type("key", "an object", root);
        if (is_schema_envelope(top)) {
            element p = *field_of(top, "payload");
            if (p.get_object().get(top)) return wrong_type("key payload", "an object", p);
        }
        if (top.size() == 0) return std::string("key has no fields");
        out = simdjson::minify(top);
        return std::nullopt;
    }

    // Fills out.fields from the "after" (or "before") struct of the value schema.
    static Error read_row_schema(const object& schema, RowSchema& out) {
        out.text.clear();
        out.fields.clear();
        auto f = field_of(schema, "fields");
        array top_fields;
        if (!f || f->get_array().get(top_fields))
            return std::string("value schema has no fields array");
        std::optional<object> row_schema;
        for (element e : top_fields) {
            object o;
            if (e.get_object().get(o)) return std::string("value schema field is not an object");
            std::string_view name;
            if (read_string(o, "field", "", name)) continue;
            if (name == "after" || (name == "before" && !row_schema)) row_schema = o;
        }
        if (!row_schema) return std::string("value schema has no before/after struct");
        array cols;
        auto c = field_of(*row_schema, "fields");
        if (!c || c->get_array().get(cols))
            return std::string("value schema of after has no fields array");
        for (element e : cols) {
            object o;
            if (e.get_object().get(o)) return std::string("value schema column is not an object");
            std::string_view name, type, logical;
            if (auto err = read_string(o, "field", "value schema column name", name)) return err;
            if (auto err = read_string(o, "type",
                                       "schema of column " + std::string(name) + ": type", type))
                return err;
            if (auto n = field_of(o, "name"); n && n->type() == element_type::STRING)
                take(n->get_string().get(logical));
            SchemaField sf;
            sf.name.assign(name);
            sf.declared.assign(type);
            if (!logical.empty()) sf.declared += " " + std::string(logical);
            if (type == "int8" || type == "int16" || type == "int32" || type == "int64") {
                sf.kind = type == "int8"    ? Declared::Int8
                          : type == "int16" ? Declared::Int16
                          : type == "int32" ? Declared::Int32
                                            : Declared::Int64;
                sf.type.kind = ColumnKind::Int64;
            } else if (type == "float" || type == "double" || type == "float32" ||
                       type == "float64") {
                sf.kind = Declared::Float;
                sf.type.kind = ColumnKind::Float64;
            } else if (type == "boolean") {
                sf.kind = Declared::Boolean;
                sf.type.kind = ColumnKind::Bool;
            } else if (type == "string") {
                sf.kind = Declared::String;
            } else if (type == "bytes" && logical == kConnectDecimal) {
                if (auto err = read_decimal_scale(o, name, sf.scale)) return err;
                sf.kind = Declared::Decimal;
                sf.type = ColumnType{ColumnKind::Decimal, sf.scale};
                sf.declared = "Decimal(scale " + std::to_string(sf.scale) + ") (bytes " +
                              std::string(kConnectDecimal) + ")";
            } else if (type == "bytes") {
                sf.kind = Declared::Bytes;
            } else if (type == "struct" && logical == kVariableScaleDecimal) {
                sf.kind = Declared::VariableScaleDecimal;
            } else if (type == "struct" || type == "array" || type == "map") {
                sf.kind = Declared::Json;
            } else {
                sf.kind = Declared::Unknown;
                sf.declared.assign(type);
            }
            out.fields.push_back(std::move(sf));
        }
        return std::nullopt;
    }

    // A row schema already read whose text is exactly this value's schema (Debezium's JSON
    // converter writes an unchanged schema byte for byte the same); `payload_at` is then where
    // the payload starts. A cached text is a complete JSON object, so a byte-equal prefix
    // followed by ,"payload": is exactly this value's schema. Most recently used first.
    const RowSchema* cached_schema(std::string_view text, size_t& payload_at) {
        constexpr size_t p = kSchemaPrefix.size();
        constexpr std::string_view kPayloadKey = R"(,"payload":)";
        if (text.substr(0, p) != kSchemaPrefix) return nullptr;
        for (size_t i = 0; i < schemas_.size(); ++i) {
            const std::string& s = schemas_[i]->text;
            if (text.size() < p + s.size() + kPayloadKey.size() + 2 ||
                std::memcmp(text.data() + p, s.data(), s.size()) != 0 ||
                text.substr(p + s.size(), kPayloadKey.size()) != kPayloadKey)
                continue;
            if (i > 0)
                std::rotate(schemas_.begin(), schemas_.begin() + i, schemas_.begin() + i + 1);
            payload_at = p + s.size() + kPayloadKey.size();
            return schemas_.front().get();
        }
        return nullptr;
    }

    // Reads the row schema of a value whose schema text is not cached, and caches it (keyed by
    // its text) when the value is in the converter's form ({"schema": first).
    Error row_schema_for(std::string_view text, const object& schema, const RowSchema*& out) {
        auto fresh = std::make_unique<RowSchema>();
        if (auto err = read_row_schema(schema, *fresh)) return err;
        constexpr size_t p = kSchemaPrefix.size();
        const size_t end =
            text.substr(0, p) == kSchemaPrefix ? json_value_end(text, p) : std::string_view::npos;
        if (end == std::string_view::npos || end >= text.size() || text[end] != ',') {
            scratch_schema_ = std::move(*fresh);  // not in the converter's form: not cached
            out = &scratch_schema_;
            return std::nullopt;
        }
        fresh->text.assign(text.substr(p, end - p));
        if (schemas_.size() >= kMaxSchemas) schemas_.pop_back();
        schemas_.insert(schemas_.begin(), std::move(fresh));
        out = schemas_.front().get();
        return std::nullopt;
    }

    Error decode_row(const object& row, std::string_view image, const RowSchema* row_schema,
                     const TableRules* rules, ChangeEvent& ev, RowImage& out) {
        // Fields are overwritten in place (their strings keep their capacity), then the tail
        // left from a longer earlier row is cut.
        auto& fields = out.fields;
        fields.reserve(row.size());
        const std::vector<SchemaField>* schema = row_schema ? &row_schema->fields : nullptr;
        size_t used = 0;
        size_t hint = 0;
        for (auto [name, value] : row) {
            if (used == fields.size()) fields.emplace_back();
            Field& f = fields[used++];
            f.name.assign(name);
            f.type = ColumnType{};
            f.declared = schema != nullptr;
            if (value.type() == element_type::NULL_VALUE) f.value = NullValue{};
            const ColumnRule* rule = nullptr;
            if (rules) {
                auto it = rules->find(name);
                if (it != rules->end()) rule = &it->second;
            }
            Error err;
            if (schema) {
                const SchemaField* sf = nullptr;
                if (hint < schema->size() && (*schema)[hint].name == name) {
                    sf = &(*schema)[hint];
                } else {
                    for (const auto& s : *schema)
                        if (s.name == name) sf = &s;
                }
                hint = sf ? static_cast<size_t>(sf - schema->data()) + 1 : hint;
                if (!sf)
                    return "column " + ev.table + "." + std::string(name) + " in " +
                           std::string(image) + " is not in the value schema";
                err = decode_with_schema(*sf, value, rule, f);
            } else {
                err = decode_inferred(value, rule, f);
            }
            if (err) {
                // Money rule violations read "money column bets.stake arrived as ...".
                constexpr std::string_view kMoney = "money column ";
                if (std::string_view(*err).substr(0, kMoney.size()) == kMoney)
                    return std::string(kMoney) + ev.table + "." + std::string(name) + " (" +
                           std::string(image) + ")" + err->substr(kMoney.size() - 1);
                return "column " + ev.table + "." + std::string(name) + " in " +
                       std::string(image) + ": " + *err;
            }
            if (std::holds_alternative<UnavailableValue>(f.value)) {
                bool seen = false;
                for (const auto& u : ev.unavailable) seen = seen || u == name;
                if (!seen) ev.unavailable.emplace_back(name);
            }
        }
        fields.resize(used);
        return std::nullopt;
    }

    static Error decode_with_schema(const SchemaField& sf, const element& v, const ColumnRule* rule,
                                    Field& f) {
        const auto t = v.type();
        const bool null = t == element_type::NULL_VALUE;
        f.type = sf.type;
        switch (sf.kind) {
            case Declared::Int8:
            case Declared::Int16:
            case Declared::Int32:
            case Declared::Int64: {
                if (null) return std::nullopt;
                if (t != element_type::INT64) return misfit(sf, v, "expected an integer");
                int64_t x = 0;
                take(v.get_int64().get(x));
                const int bits = sf.kind == Declared::Int8    ? 8
                                 : sf.kind == Declared::Int16 ? 16
                                 : sf.kind == Declared::Int32 ? 32
                                                              : 64;
                if (bits < 64) {
                    const int64_t limit = int64_t{1} << (bits - 1);
                    if (x < -limit || x >= limit)
                        return misfit(
                            sf, v,
                            "outside " + std::to_string(-limit) + ".." + std::to_string(limit - 1));
                }
                f.value = x;
                return std::nullopt;
            }
            case Declared::Float: {
                if (rule && rule->money)
                    return "money column arrived as a double (decimal.handling.mode=double): not "
                           "exact; configure the connector with decimal.handling.mode=string or "
                           "precise";
                if (null) return std::nullopt;
                double x = 0;
                if (t == element_type::STRING || v.get_double().get(x))
                    return misfit(sf, v, "expected a number");
                f.value = x;
                return std::nullopt;
            }
            case Declared::Boolean: {
                if (null) return std::nullopt;
                bool x = false;
                if (v.get_bool().get(x)) return misfit(sf, v, "expected true or false");
                f.value = x;
                return std::nullopt;
            }
            case Declared::String: {
                if (null) return std::nullopt;
                std::string_view s;
                if (v.get_string().get(s)) return misfit(sf, v, "expected a string");
                if (s == kUnavailable)
                    f.value = UnavailableValue{};
                else
                    set_text(f.value, s);
                return std::nullopt;
            }
            case Declared::Bytes:
            case Declared::Decimal: {
                if (null) return std::nullopt;
                std::string_view s;
                if (v.get_string().get(s)) return misfit(sf, v, "expected a base64 string");
                if (s == kUnavailableBase64 || s == kUnavailable) {
                    f.value = UnavailableValue{};
                    return std::nullopt;
                }
                if (sf.kind == Declared::Bytes) {  // bytea: keep the base64 text
                    set_text(f.value, s);
                    return std::nullopt;
                }
                Decimal d;
                if (auto err = decode_connect_decimal(s, sf.scale, d)) return misfit(sf, v, *err);
                f.value = d;
                return std::nullopt;
            }
            case Declared::VariableScaleDecimal: {
                if (null) return std::nullopt;
                object o;
                int64_t scale = 0;
                std::string_view b64;
                if (v.get_object().get(o)) return misfit(sf, v, "expected an object");
                if (auto err = read_int(o, "scale", "VariableScaleDecimal scale", scale))
                    return misfit(sf, v, *err);
                if (auto err = read_string(o, "value", "VariableScaleDecimal value", b64))
                    return misfit(sf, v, *err);
                if (scale < 0 || scale > kMaxDecimalDigits)
                    return misfit(sf, v, "scale " + std::to_string(scale) + " is not in 0..38");
                Decimal d;
                if (auto err = decode_connect_decimal(b64, static_cast<int32_t>(scale), d))
                    return misfit(sf, v, *err);
                f.value = to_string(d);  // exact text; the scale varies by row
                return std::nullopt;
            }
            case Declared::Json:
                if (null) return std::nullopt;
                f.value = simdjson::minify(v);
                return std::nullopt;
            case Declared::Unknown:
                break;
        }
        return "unknown schema type " + tote::quoted(sf.declared);
    }

    static Error decode_inferred(const element& v, const ColumnRule* rule, Field& f) {
        const bool decimal = rule && rule->scale >= 0;
        if (decimal) f.type = ColumnType{ColumnKind::Decimal, rule->scale};
        switch (v.type()) {
            case element_type::NULL_VALUE:
                return std::nullopt;
            case element_type::INT64: {
                if (decimal)
                    return wrong_type("value",
                                      "a base64 precise decimal (listed in decimal_scales)", v);
                int64_t x = 0;
                take(v.get_int64().get(x));
                f.type.kind = ColumnKind::Int64;
                f.value = x;
                return std::nullopt;
            }
            case element_type::UINT64:
                return wrong_type("value", "an integer in the Int64 range", v);
            case element_type::DOUBLE: {
                if (rule && rule->money)
                    return "money column arrived as a double (decimal.handling.mode=double): not "
                           "exact; configure the connector with decimal.handling.mode=string or "
                           "precise";
                if (decimal)
                    return wrong_type("value",
                                      "a base64 precise decimal (listed in decimal_scales)", v);
                double x = 0;
                take(v.get_double().get(x));
                f.type.kind = ColumnKind::Float64;
                f.value = x;
                return std::nullopt;
            }
            case element_type::BOOL: {
                if (decimal)
                    return wrong_type("value",
                                      "a base64 precise decimal (listed in decimal_scales)", v);
                bool x = false;
                take(v.get_bool().get(x));
                f.type.kind = ColumnKind::Bool;
                f.value = x;
                return std::nullopt;
            }
            case element_type::STRING: {
                std::string_view s;
                take(v.get_string().get(s));
                if (s == kUnavailable || (decimal && s == kUnavailableBase64)) {
                    f.value = UnavailableValue{};
                    return std::nullopt;
                }
                if (decimal) {
                    Decimal d;
                    if (auto err = decode_connect_decimal(s, rule->scale, d)) return err;
                    f.value = d;
                    return std::nullopt;
                }
                if (rule && rule->money && !is_plain_decimal_text(s))
                    return "money column arrived as " + quoted(s) +
                           ", which looks like a precise decimal (decimal.handling.mode=precise: "
                           "base64 of the unscaled value), but the message has no schema, so its "
                           "scale is unknown: enable value.converter.schemas.enable=true, use "
                           "decimal.handling.mode=string, or set its scale in the decoder's "
                           "decimal_scales";
                set_text(f.value, s);
                return std::nullopt;
            }
            case element_type::ARRAY:
            case element_type::OBJECT:
                if (decimal)
                    return wrong_type("value",
                                      "a base64 precise decimal (listed in decimal_scales)", v);
                f.value = simdjson::minify(v);
                return std::nullopt;
        }
        return std::string("unknown JSON type");
    }

    std::string suffix_;
    std::string default_schema_;
    ColumnRules rules_;
    simdjson::dom::parser value_parser_;
    simdjson::dom::parser key_parser_;
    // Row schemas read so far, keyed by their exact text, most recently used first (see
    // cached_schema); at most kMaxSchemas (one or two per table in a stream of that many).
    static constexpr size_t kMaxSchemas = 64;
    std::vector<std::unique_ptr<RowSchema>> schemas_;
    RowSchema scratch_schema_;  // a schema not in the converter's form (not cached)
    // Storage of earlier results, reused by decode_into (see change_in).
    ChangeEvent spare_;
    RowImage spare_before_, spare_after_;
    bool routed_tx_marker_ = false;      // decode_change saw transaction metadata (status, no op)
    bool routed_schema_change_ = false;  // decode_change saw a schema change (ddl, no op)
};

DebeziumJsonDecoder::DebeziumJsonDecoder(DebeziumDecoderConfig config)
    : config_(std::move(config)), impl_(std::make_unique<Impl>(config_)) {}
DebeziumJsonDecoder::~DebeziumJsonDecoder() = default;
DebeziumJsonDecoder::DebeziumJsonDecoder(DebeziumJsonDecoder&&) noexcept = default;
DebeziumJsonDecoder& DebeziumJsonDecoder::operator=(DebeziumJsonDecoder&&) noexcept = default;

DecodeResult DebeziumJsonDecoder::decode(const LogRecord& record) {
    DecodeResult result;
    impl_->decode_into(record, result);
    return result;
}

void DebeziumJsonDecoder::decode_into(const LogRecord& record, DecodeResult& result) {
    impl_->decode_into(record, result);
}

}  // namespace tote
