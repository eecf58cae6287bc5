#include "decode/maxwell_json_decoder.h"
#include "decode/column_rules.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/table_identity.h"
#include "decode/decimal_codec.h"
#include "decode/decode_result_format.h"

namespace tote {
namespace {

namespace od = simdjson::ondemand;
using Error = std::optional<std::string>;

std::string quoted(std::string_view s) {
    return "'" + std::string(s.substr(0, 80)) + "'";
}

std::string json_error(std::string_view what, simdjson::error_code err) {
    return std::string(what) + ": malformed JSON (" + simdjson::error_message(err) + ")";
}

// Looks up key in o (in any order). present=false when absent or null.
Error find(od::object& o, std::string_view key, od::value& out, bool& present) {
    present = false;
    auto res = o.find_field_unordered(key);
    if (res.error() == simdjson::NO_SUCH_FIELD) return std::nullopt;
    if (res.error()) return json_error(key, res.error());
    out = std::move(res).value_unsafe();
    od::json_type t;
    if (auto err = out.type().get(t)) return json_error(key, err);
    present = t != od::json_type::null;
    return std::nullopt;
}

Error find_string(od::object& o, std::string_view key, std::string_view& out, bool required) {
    od::value v;
    bool present = false;
    if (auto err = find(o, key, v, present)) return err;
    if (!present) return required ? Error(std::string(key) + " missing") : std::nullopt;
    if (v.get_string().get(out)) return std::string(key) + " is not a string";
    return std::nullopt;
}

Error find_int(od::object& o, std::string_view key, int64_t& out, bool required, bool& present) {
    od::value v;
    if (auto err = find(o, key, v, present)) return err;
    if (!present) return required ? Error(std::string(key) + " missing") : std::nullopt;
    if (v.get_int64().get(out)) return std::string(key) + " is not an integer";
    return std::nullopt;
}

// "mysql-bin.000123:4567" -> file 123, offset 4567.
Error parse_position(std::string_view pos, uint64_t& lsn) {
    auto colon = pos.rfind(':');
    auto dot = pos.rfind('.', colon);
    if (colon == std::string_view::npos || dot == std::string_view::npos)
        return "position " + quoted(pos) + " is not <binlog file>.<number>:<offset>";
    std::string_view file = pos.substr(dot + 1, colon - dot - 1);
    std::string_view offset = pos.substr(colon + 1);
    uint64_t f = 0, o = 0;
    auto r1 = std::from_chars(file.data(), file.data() + file.size(), f);
    auto r2 = std::from_chars(offset.data(), offset.data() + offset.size(), o);
    if (file.empty() || offset.empty() || r1.ec != std::errc() ||
        r1.ptr != file.data() + file.size() || r2.ec != std::errc() ||
        r2.ptr != offset.data() + offset.size())
        return "position " + quoted(pos) + " is not <binlog file>.<number>:<offset>";
    if (o > 0xFFFFFFFFu) return "position " + quoted(pos) + ": offset above 2^32";
    // The version keeps file (17 bits) and offset (32 bits) above the row's order in its
    // transaction (12 bits) and the rank (3 bits): core/source_position.h.
    if (f >= (uint64_t{1} << 17))
        return "position " + quoted(pos) + ": binlog file number " + std::to_string(f) +
               " is above 131071 and cannot be packed into the row version";
    lsn = (f << 32) | o;
    return std::nullopt;
}

void append_key_value(std::string& out, const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v))
        append_json_string(out, *s);
    else
        append_value(out, v);
}

}  // namespace

class MaxwellJsonDecoder::Impl {
public:
    explicit Impl(const MaxwellDecoderConfig& config)
        : config_(config), rules_(make_column_rules(config.decimal_scales, config.money_columns)) {}

    DecodeResult decode(const LogRecord& record) {
        if (!record.value) return Tombstone{};
        const std::string& text = *record.value;
        buf_.resize(text.size() + simdjson::SIMDJSON_PADDING);
        std::memcpy(buf_.data(), text.data(), text.size());
        std::memset(buf_.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
        // On-Demand reads members in any order and keeps the exact text of numbers, but its
        // out-of-order lookups assume a well-formed document (malformed input would be undefined
        // behaviour, found by fuzz_maxwell_decoder): validate the whole value with DOM first.
        simdjson::dom::element checked;
        if (auto err = validator_.parse(buf_.data(), text.size(), false).get(checked))
            return DecodeFailure{json_error("value", err)};
        od::document doc;
        if (auto err = parser_.iterate(buf_.data(), text.size(), buf_.size()).get(doc))
            return DecodeFailure{json_error("value", err)};
        od::object root;
        if (auto err = doc.get_object().get(root))
            return DecodeFailure{err == simdjson::INCORRECT_TYPE ? "value is not a JSON object"
                                                                 : json_error("value", err)};
        ChangeEvent ev;
        bool no_op = false;
        if (auto err = decode_root(root, ev, no_op)) return DecodeFailure{std::move(*err)};
        if (no_op) return Tombstone{};
        return ev;
    }

private:
    Error decode_root(od::object& root, ChangeEvent& ev, bool& no_op) {
        std::string_view type;
        if (auto err = find_string(root, "type", type, true)) return err;
        if (type == "insert")
            ev.op = Op::Create;
        else if (type == "update")
            ev.op = Op::Update;
        else if (type == "delete")
            ev.op = Op::Delete;
        else if (type == "bootstrap-insert")
            ev.op = Op::Read;
        else if (type == "bootstrap-start" || type == "bootstrap-complete" ||
                 type.substr(0, 6) == "table-" || type.substr(0, 9) == "database-") {
            no_op = true;  // bootstrap bracket or DDL notice: no row to land
            return std::nullopt;
        } else {
            return "unknown type " + quoted(type) +
                   " (expected insert, update, delete, bootstrap-insert, bootstrap-start or "
                   "bootstrap-complete)";
        }
        std::string_view database, table;
        if (auto err = find_string(root, "database", database, true)) return err;
        database_.assign(database);
        if (auto err = find_string(root, "table", table, true)) return err;
        bare_table_.assign(table);
        ev.table = TableIdentity::of(database, table, config_.default_database);

        bool present = false;
        int64_t ts = 0;
        if (auto err = find_int(root, "ts", ts, true, present)) return err;
        if (ts < 0 || ts > 100'000'000'000LL)
            return "ts " + std::to_string(ts) + " is not a time in seconds";
        ev.source.commit_ts_ms = ts * 1000;
        int64_t xid = 0, xoffset = 0;
        if (auto err = find_int(root, "xid", xid, false, present)) return err;
        if (xid < 0) return std::string("xid is negative");
        ev.source.tx_id = static_cast<uint64_t>(xid);
        if (auto err = find_int(root, "xoffset", xoffset, false, present)) return err;
        if (xoffset < 0) return std::string("xoffset is negative");
        if (present) ev.source.total_order = static_cast<uint64_t>(xoffset) + 1;
        // commit: true on a transaction's last row: Maxwell's only transaction boundary.
        od::value commit;
        if (auto err = find(root, "commit", commit, present)) return err;
        if (present) {
            bool last = false;
            if (commit.get_bool().get(last)) return std::string("commit is not true or false");
            ev.source.tx_last = last && ev.source.total_order > 0 && ev.source.tx_id != 0;
        }
        ev.source.snapshot = ev.op == Op::Read;
        std::string_view position;
        if (auto err = find_string(root, "position", position, !ev.source.snapshot)) {
            return *err + " (enable Maxwell's output_binlog_position)";
        }
        if (!position.empty())
            if (auto err = parse_position(position, ev.source.lsn)) return err;
        // Binlog positions follow commit order (a transaction is written to the binlog when it
        // commits), so a row's own position orders it, shifted above the row's xoffset (rows of
        // one event share the position) and the rank.
        const uint64_t order = std::min<uint64_t>(ev.source.total_order, 4095);
        ev.version =
            make_version(((ev.source.lsn << 12) | order) << 3,
                         ev.source.snapshot ? VersionRank::SnapshotRead : VersionRank::Change);

        std::string qualified = database_ + "." + bare_table_;
        auto rules_it = rules_.find(ev.table);
        if (rules_it == rules_.end()) rules_it = rules_.find(qualified);
        if (rules_it == rules_.end()) rules_it = rules_.find(bare_table_);
        const TableRules* rules = rules_it == rules_.end() ? nullptr : &rules_it->second;

        od::value data_value;
        if (auto err = find(root, "data", data_value, present)) return err;
        if (!present) return std::string("data missing");
        od::object data;
        if (data_value.get_object().get(data)) return std::string("data is not an object");
        RowImage row;
        if (auto err = decode_row(data, "data", ev.table, rules, row)) return err;

        // Key from the configured primary-key columns.
        const std::vector<std::string>* pk = &config_.default_primary_key;
        if (auto it = config_.primary_keys.find(qualified); it != config_.primary_keys.end())
            pk = &it->second;
        else if (auto it2 = config_.primary_keys.find(bare_table_);
                 it2 != config_.primary_keys.end())
            pk = &it2->second;
        if (pk->empty()) return "no primary-key columns configured for table " + ev.table;
        ev.key = "{";
        for (const auto& col : *pk) {
            const Field* f = row.find(col);
            if (!f)
                return "primary key column " + col + " missing from data of table " + ev.table +
                       " (configure primary_keys)";
            if (std::holds_alternative<NullValue>(f->value))
                return "primary key column " + ev.table + "." + col + " is null";
            if (ev.key.size() > 1) ev.key += ',';
            append_json_string(ev.key, col);
            ev.key += ':';
            append_key_value(ev.key, f->value);
        }
        ev.key += '}';

        if (ev.op == Op::Update) {
            od::value old_value;
            if (auto err = find(root, "old", old_value, present)) return err;
            if (present) {
                od::object old;
                if (old_value.get_object().get(old)) return std::string("old is not an object");
                RowImage changed;
                if (auto err = decode_row(old, "old", ev.table, rules, changed)) return err;
                // Maxwell's `old` holds only the changed columns: the before image is data
                // with those columns put back.
                RowImage before = row;
                for (auto& c : changed.fields) {
                    bool replaced = false;
                    for (auto& f : before.fields)
                        if (f.name == c.name) {
                            f = c;
                            replaced = true;
                        }
                    if (!replaced) before.fields.push_back(std::move(c));
                }
                ev.before = std::move(before);
            }
        }
        if (ev.op == Op::Delete)
            ev.before = std::move(row);
        else
            ev.after = std::move(row);
        return std::nullopt;
    }

    Error decode_row(od::object& obj, std::string_view image, const std::string& table,
                     const TableRules* rules, RowImage& out) {
        for (auto field_result : obj) {
            od::field field;
            if (auto err = std::move(field_result).get(field)) return json_error(image, err);
            std::string_view name;
            if (auto err = field.unescaped_key().get(name)) return json_error(image, err);
            Field& f = out.fields.emplace_back();
            f.name.assign(name);
            const ColumnRule* rule = nullptr;
            if (rules) {
                auto it = rules->find(f.name);
                if (it != rules->end()) rule = &it->second;
            }
            od::value v = field.value();
            if (auto err = decode_value(v, rule, f))
                return "column " + table + "." + f.name + " in " + std::string(image) + ": " + *err;
        }
        return std::nullopt;
    }

    Error decode_value(od::value& v, const ColumnRule* rule, Field& f) {
        const bool decimal = rule && rule->scale >= 0;
        if (decimal) f.type = ColumnType{ColumnKind::Decimal, rule->scale};
        od::json_type t;
        if (auto err = v.type().get(t)) return json_error("value", err);
        switch (t) {
            case od::json_type::null: {
                bool is_null = false;
                if (v.is_null().get(is_null) || !is_null) return std::string("malformed null");
                return std::nullopt;
            }
            case od::json_type::number: {
                std::string_view raw = v.raw_json_token();
                while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' ||
                                        raw.back() == '\r' || raw.back() == '\t'))
                    raw.remove_suffix(1);
                od::number_type nt;
                if (auto err = v.get_number_type().get(nt)) return json_error("number", err);
                if (decimal) {
                    double check = 0;  // validates the token as a JSON number
                    if (auto err = v.get_double().get(check)) return json_error("number", err);
                    Decimal d;
                    if (auto err = parse_decimal_text(raw, rule->scale, d)) return err;
                    f.value = d;
                    return std::nullopt;
                }
                if (nt == od::number_type::signed_integer) {
                    int64_t x = 0;
                    if (auto err = v.get_int64().get(x)) return json_error("integer", err);
                    f.type.kind = ColumnKind::Int64;
                    f.value = x;
                    return std::nullopt;
                }
                if (nt == od::number_type::unsigned_integer)
                    return "integer " + std::string(raw.substr(0, 40)) +
                           " is above the Int64 range";
                if (rule && rule->money)
                    return "money column arrived as the non-integer number " +
                           std::string(raw.substr(0, 40)) +
                           " and has no scale in decimal_scales: list it there to decode the exact "
                           "text as a decimal";
                double x = 0;
                if (auto err = v.get_double().get(x)) return json_error("number", err);
                f.type.kind = ColumnKind::Float64;
                f.value = x;
                return std::nullopt;
            }
            case od::json_type::string: {
                std::string_view s;
                if (auto err = v.get_string().get(s)) return json_error("string", err);
                if (decimal) {
                    Decimal d;
                    if (auto err = parse_decimal_text(s, rule->scale, d)) return err;
                    f.value = d;
                    return std::nullopt;
                }
                f.type.kind = ColumnKind::String;
                f.value = std::string(s);
                return std::nullopt;
            }
            case od::json_type::boolean: {
                if (decimal) return std::string("boolean in a decimal column");
                bool b = false;
                if (auto err = v.get_bool().get(b)) return json_error("boolean", err);
                f.type.kind = ColumnKind::Bool;
                f.value = b;
                return std::nullopt;
            }
            case od::json_type::object:
            case od::json_type::array: {
                if (decimal) return std::string("object or array in a decimal column");
                std::string_view raw;
                if (auto err = simdjson::to_json_string(v).get(raw))
                    return json_error("nested JSON", err);
                std::string compact(raw.size(), '\0');
                size_t len = 0;
                if (simdjson::minify(raw.data(), raw.size(), compact.data(), len))
                    return std::string("nested JSON cannot be minified");
                compact.resize(len);
                f.type.kind = ColumnKind::String;
                f.value = std::move(compact);
                return std::nullopt;
            }
        }
        return std::string("unknown JSON type");
    }

    MaxwellDecoderConfig config_;  // own copy: the decoder may be moved
    ColumnRules rules_;
    simdjson::dom::parser validator_;
    od::parser parser_;
    std::string buf_;
    std::string database_;
    std::string bare_table_;  // the table's name without its database
};

MaxwellJsonDecoder::MaxwellJsonDecoder(MaxwellDecoderConfig config)
    : config_(std::move(config)), impl_(std::make_unique<Impl>(config_)) {}
MaxwellJsonDecoder::~MaxwellJsonDecoder() = default;
MaxwellJsonDecoder::MaxwellJsonDecoder(MaxwellJsonDecoder&&) noexcept = default;
MaxwellJsonDecoder& MaxwellJsonDecoder::operator=(MaxwellJsonDecoder&&) noexcept = default;

DecodeResult MaxwellJsonDecoder::decode(const LogRecord& record) {
    return impl_->decode(record);
}

}  // namespace tote
