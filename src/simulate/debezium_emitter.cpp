#include "simulate/debezium_emitter.h"

#include <algorithm>

#include "core/error.h"
#include "simulate/json_text.h"
#include "source/file_log_writer.h"

namespace tote {
namespace {

constexpr std::string_view kSourceSchema =
    R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"version"},{"type":"string","optional":false,"field":"connector"},{"type":"string","optional":false,"field":"name"},{"type":"int64","optional":false,"field":"ts_ms"},{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"default":"false","field":"snapshot"},{"type":"string","optional":false,"field":"db"},{"type":"string","optional":true,"field":"sequence"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"},{"type":"string","optional":false,"field":"schema"},{"type":"string","optional":false,"field":"table"},{"type":"int64","optional":true,"field":"txId"},{"type":"int64","optional":true,"field":"lsn"},{"type":"int64","optional":true,"field":"xmin"},{"type":"string","optional":true,"field":"origin"},{"type":"int64","optional":true,"field":"origin_lsn"}],"optional":false,"name":"io.debezium.connector.postgresql.Source","version":1,"field":"source"})";
constexpr std::string_view kTxBlockSchema =
    R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"total_order"},{"type":"int64","optional":false,"field":"data_collection_order"}],"optional":true,"name":"event.block","version":1,"field":"transaction"})";
constexpr std::string_view kEnvelopeTailSchema =
    R"({"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"},{"type":"int64","optional":true,"field":"ts_us"},{"type":"int64","optional":true,"field":"ts_ns"})";
constexpr std::string_view kTxKeySchema =
    R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"id"}],"optional":false,"name":"io.debezium.connector.common.TransactionMetadataKey","version":1})";
constexpr std::string_view kTxValueSchema =
    R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"status"},{"type":"string","optional":false,"field":"id"},{"type":"int64","optional":true,"field":"event_count"},{"type":"array","items":{"type":"struct","fields":[{"type":"string","optional":false,"field":"data_collection"},{"type":"int64","optional":false,"field":"event_count"}],"optional":true,"name":"event.collection","version":1},"optional":true,"field":"data_collections"},{"type":"int64","optional":false,"field":"ts_ms"}],"optional":false,"name":"io.debezium.connector.common.TransactionMetadataValue","version":1})";
constexpr std::string_view kEpochText = "1970-01-01T00:00:00.000000Z";

// Java's String.hashCode, spread as java.util.HashMap does, in a table of 16 buckets: Debezium
// keeps END's per-table counts in a HashMap, so data_collections come in this order (checked
// against every END in the real captures).
uint8_t java_hashmap_bucket(std::string_view s) {
    uint32_t h = 0;
    for (char c : s) h = 31 * h + static_cast<unsigned char>(c);
    h ^= h >> 16;
    return static_cast<uint8_t>(h & 15);
}

void append_field_schema(std::string& out, const ColumnDef& c, bool precise) {
    out += R"({"type":")";
    switch (c.type) {
        case ColType::Int64:
            out += "int64";
            break;
        case ColType::Int32:
        case ColType::Date:
            out += "int32";
            break;
        case ColType::Numeric:
            out += precise ? "bytes" : "string";
            break;
        case ColType::Text:
        case ColType::Timestamptz:
            out += "string";
            break;
    }
    out += R"(","optional":)";
    out += c.nullable ? "true" : "false";
    if (c.type == ColType::Timestamptz)
        out += R"(,"name":"io.debezium.time.ZonedTimestamp","version":1)";
    if (c.type == ColType::Date) out += R"(,"name":"io.debezium.time.Date","version":1)";
    if (c.type == ColType::Numeric && precise) {
        out +=
            R"(,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":")";
        append_int(out, c.scale);
        out += R"(","connect.decimal.precision":")";
        append_int(out, c.precision);
        out += R"("})";
    }
    if (c.def == ColDefault::Serial) out += R"(,"default":0)";
    if (c.def == ColDefault::Now) {
        out += R"(,"default":")";
        out += kEpochText;
        out += '"';
    }
    out += R"(,"field":")";
    out += c.name;
    out += R"("})";
}

}  // namespace

DebeziumEmitter::DebeziumEmitter(const SimulatorConfig& config)
    : config_(config), precise_(config.decimal_mode == "precise"), history_(kHistoryTransactions) {
    if (config.decimal_mode != "string" && config.decimal_mode != "precise")
        throw ToteError(ErrorClass::Fatal, "simulator decimal_mode '" + config.decimal_mode +
                                               "' is not supported: use \"string\" or \"precise\"");
    for (size_t t = 0; t < kTableCount; ++t) {
        topics_[t] = config.topic_prefix + ".public." + std::string(table_def(t).name);
        java_bucket_[t] = java_hashmap_bucket("public." + std::string(table_def(t).name));
    }
    topics_[kTableCount] = config.topic_prefix + ".transaction";
    build_schemas();
    key_buf_.reserve(256);
    value_buf_.reserve(8192);
    payload_buf_.reserve(8192);
}

void DebeziumEmitter::build_schemas() {
    tx_key_schema_ = kTxKeySchema;
    tx_value_schema_ = kTxValueSchema;
    for (size_t t = 0; t < kTableCount; ++t) {
        const TableDef& def = table_def(t);
        std::string base = config_.topic_prefix + ".public." + std::string(def.name);
        std::string& k = key_schema_[t];
        k = R"({"type":"struct","fields":[)";
        bool first = true;
        for (size_t i = 0; i < def.column_count; ++i) {
            if (!def.columns[i].key) continue;
            if (!first) k += ',';
            first = false;
            append_field_schema(k, def.columns[i], precise_);
        }
        k += R"(],"optional":false,"name":")" + base + R"(.Key"})";
        std::string fields;
        for (size_t i = 0; i < def.column_count; ++i) {
            if (i) fields += ',';
            append_field_schema(fields, def.columns[i], precise_);
        }
        std::string& v = value_schema_[t];
        v = R"({"type":"struct","fields":[)";
        for (const char* which : {"before", "after"}) {
            v += R"({"type":"struct","fields":[)" + fields + R"(],"optional":true,"name":")" +
                 base + R"(.Value","field":")" + which + R"("},)";
        }
        v += kSourceSchema;
        v += ',';
        v += kTxBlockSchema;
        v += ',';
        v += kEnvelopeTailSchema;
        v += R"(],"optional":false,"name":")" + base + R"(.Envelope","version":2})";
    }
}

void DebeziumEmitter::append_value(std::string& out, const Cell& c, const ColumnDef& col) const {
    switch (c.kind) {
        case CellKind::Null:
            out += "null";
            break;
        case CellKind::Int:
        case CellKind::Date:
            append_int(out, c.i);
            break;
        case CellKind::Text:
            append_json_string(out, c.s);
            break;
        case CellKind::Decimal:
            out += '"';
            if (precise_)
                append_decimal_base64(out, c.i);
            else
                append_decimal(out, c.i, col.scale);
            out += '"';
            break;
        case CellKind::Timestamp:
            out += '"';
            append_timestamp(out, c.i);
            out += '"';
            break;
        case CellKind::Unavailable:
            out += '"';
            out += kToastPlaceholder;
            out += '"';
            break;
    }
}

void DebeziumEmitter::append_row(std::string& out, const RowCells& row) const {
    const TableDef& def = table_def(row.table());
    out += '{';
    for (size_t i = 0; i < def.column_count; ++i) {
        if (i) out += ',';
        out += '"';
        out += def.columns[i].name;
        out += "\":";
        append_value(out, row[i], def.columns[i]);
    }
    out += '}';
}

// Under REPLICA IDENTITY DEFAULT a delete's old tuple holds only the key. Debezium fills the
// other columns with the Connect schema default (the epoch for `DEFAULT now()`, seen in the
// captures), null when the column is nullable, else the converter's fallback (0, "", epoch).
void DebeziumEmitter::append_delete_before(std::string& out, const RowCells& row) const {
    const TableDef& def = table_def(row.table());
    out += '{';
    for (size_t i = 0; i < def.column_count; ++i) {
        const ColumnDef& c = def.columns[i];
        if (i) out += ',';
        out += '"';
        out += c.name;
        out += "\":";
        if (c.key) {
            append_value(out, row[i], c);
        } else if (c.def == ColDefault::Now) {
            out += '"';
            out += kEpochText;
            out += '"';
        } else if (c.nullable) {
            out += "null";
        } else {
            switch (c.type) {
                case ColType::Int64:
                case ColType::Int32:
                case ColType::Date:
                    out += '0';
                    break;
                case ColType::Text:
                    out += "\"\"";
                    break;
                case ColType::Numeric:
                    append_value(out, Cell{CellKind::Decimal, 0, {}}, c);
                    break;
                case ColType::Timestamptz:
                    out += '"';
                    out += kEpochText;
                    out += '"';
                    break;
            }
        }
    }
    out += '}';
}

void DebeziumEmitter::append_key(std::string& out, const RowCells& row) const {
    const TableDef& def = table_def(row.table());
    if (config_.schemas_enabled) {
        out += R"({"schema":)";
        out += key_schema_[static_cast<size_t>(row.table())];
        out += R"(,"payload":)";
    }
    out += '{';
    bool first = true;
    for (size_t i = 0; i < def.column_count; ++i) {
        if (!def.columns[i].key) continue;
        if (!first) out += ',';
        first = false;
        out += '"';
        out += def.columns[i].name;
        out += "\":";
        append_value(out, row[i], def.columns[i]);
    }
    out += '}';
    if (config_.schemas_enabled) out += '}';
}

void DebeziumEmitter::append_source(std::string& out, TableId table, std::string_view snapshot,
                                    uint64_t tx_id, uint64_t lsn, int64_t ts_us,
                                    bool first_committed_null) const {
    out += R"("source":{"version":"3.7.0.Final","connector":"postgresql","name":)";
    append_json_string(out, config_.topic_prefix);
    out += R"(,"ts_ms":)";
    append_int(out, floor_div(ts_us, 1000));
    out += R"(,"snapshot":")";
    out += snapshot;
    out += R"(","db":"sportsbook","sequence":"[)";
    if (first_committed_null) {
        out += "null";
    } else {
        out += R"(\")";
        append_int(out, static_cast<int64_t>(last_committed_lsn_));
        out += R"(\")";
    }
    out += R"(,\")";
    append_int(out, static_cast<int64_t>(lsn));
    out += R"(\"]","ts_us":)";
    append_int(out, ts_us);
    out += R"(,"ts_ns":)";
    append_int(out, ts_us * 1000);
    out += R"(,"schema":"public","table":")";
    out += table_def(table).name;
    out += R"(","txId":)";
    append_int(out, static_cast<int64_t>(tx_id));
    out += R"(,"lsn":)";
    append_int(out, static_cast<int64_t>(lsn));
    out += R"(,"xmin":null,"origin":null,"origin_lsn":null})";
}

void DebeziumEmitter::append_envelope_tail(std::string& out, char op, int64_t processed_us) {
    out += R"(,"op":")";
    out += op;
    out += R"(","ts_ms":)";
    append_int(out, floor_div(processed_us, 1000));
    out += R"(,"ts_us":)";
    append_int(out, processed_us);
    out += R"(,"ts_ns":)";
    append_int(out, processed_us * 1000 + static_cast<int64_t>((records_ * 7919) % 1000));
    out += '}';
}

void DebeziumEmitter::write(uint8_t topic, int64_t ts_ms, const std::string* key,
                            const std::string* value, bool is_change) {
    if (writer_) {
        std::optional<std::string_view> k, v;
        if (key) k = *key;
        if (value) v = *value;
        // Never flush here: the caller flushes at transaction boundaries only, so the log
        // never ends inside a transaction.
        writer_->append(topics_[topic], Partition{0}, ts_ms, k, v);
    }
    ++records_;
    if (is_change) ++change_events_;
    if (current_) {
        if (current_->count == current_->records.size()) current_->records.emplace_back();
        StoredRecord& s = current_->records[current_->count++];
        s.topic = topic;
        s.has_key = key != nullptr;
        s.has_value = value != nullptr;
        if (key) s.key.assign(*key);
        if (value) s.value.assign(*value);
    }
}

void DebeziumEmitter::snapshot_read(const RowCells& row, std::string_view marker,
                                    int64_t snapshot_us) {
    if (sink_) sink_->initial_row(row);
    size_t t = static_cast<size_t>(row.table());
    std::string& p = config_.schemas_enabled ? payload_buf_ : value_buf_;
    p.clear();
    p += R"({"before":null,"after":)";
    append_row(p, row);
    p += ',';
    append_source(p, row.table(), marker, tx_id_, lsn_, snapshot_us, true);
    p += R"(,"transaction":null)";
    int64_t processed_us = snapshot_us + 124'000 + static_cast<int64_t>(records_ % 1'000'000) * 40;
    append_envelope_tail(p, 'r', processed_us);
    if (config_.schemas_enabled) {
        value_buf_.clear();
        value_buf_ += R"({"schema":)";
        value_buf_ += value_schema_[t];
        value_buf_ += R"(,"payload":)";
        value_buf_ += payload_buf_;
        value_buf_ += '}';
    }
    key_buf_.clear();
    append_key(key_buf_, row);
    write(static_cast<uint8_t>(t), floor_div(processed_us, 1000) + 90, &key_buf_, &value_buf_,
          true);
}

void DebeziumEmitter::begin(int64_t commit_us) {
    if (in_tx_)
        throw ToteError(ErrorClass::Fatal, "simulator bug: begin() inside an open transaction");
    if (tx_count_ == 0) {
        // The snapshot used the first LSN and txId; streaming starts after them.
        lsn_ += 4096;
        ++tx_id_;
    }
    in_tx_ = true;
    commit_us_ = commit_us;
    if (sink_) sink_->begin(commit_us);
    total_order_ = 0;
    per_table_.fill(0);
    tables_seen_ = 0;
    // Keep the transaction for re-delivery only when re-deliveries can happen.
    current_ = config_.redelivery_rate > 0 ? &history_[history_next_] : nullptr;
    if (current_) current_->count = 0;
    // BEGIN carries the LSN of the transaction's first change.
    std::string id = std::to_string(tx_id_) + ":" + std::to_string(lsn_);
    key_buf_.clear();
    if (config_.schemas_enabled) key_buf_ += R"({"schema":)" + tx_key_schema_ + R"(,"payload":)";
    key_buf_ += R"({"id":")" + id + R"("})";
    if (config_.schemas_enabled) key_buf_ += '}';
    value_buf_.clear();
    if (config_.schemas_enabled)
        value_buf_ += R"({"schema":)" + tx_value_schema_ + R"(,"payload":)";
    value_buf_ += R"({"status":"BEGIN","id":")" + id +
                  R"(","event_count":null,"data_collections":null,"ts_ms":)";
    append_int(value_buf_, floor_div(commit_us, 1000));
    value_buf_ += '}';
    if (config_.schemas_enabled) value_buf_ += '}';
    write(kTableCount, floor_div(commit_us, 1000) + 240, &key_buf_, &value_buf_, false);
}

void DebeziumEmitter::change(char op, const RowCells* before, const RowCells* after,
                             const RowCells& key_row, bool same_lsn) {
    if (!in_tx_) throw ToteError(ErrorClass::Fatal, "simulator bug: change outside a transaction");
    size_t t = static_cast<size_t>(key_row.table());
    if (!same_lsn || total_order_ == 0) {
        record_lsn_ = lsn_;
        lsn_ += 152 + 8 * key_row.size();
    }
    if (per_table_[t]++ == 0) appearance_[tables_seen_++] = static_cast<uint8_t>(t);
    ++total_order_;
    std::string& p = config_.schemas_enabled ? payload_buf_ : value_buf_;
    p.clear();
    p += R"({"before":)";
    if (before)
        append_delete_before(p, *before);
    else
        p += "null";
    p += R"(,"after":)";
    if (after)
        append_row(p, *after);
    else
        p += "null";
    p += ',';
    append_source(p, key_row.table(), "false", tx_id_, record_lsn_, commit_us_,
                  last_committed_lsn_ == 0);
    p += R"(,"transaction":{"id":")";
    append_int(p, static_cast<int64_t>(tx_id_));
    p += ':';
    append_int(p, static_cast<int64_t>(record_lsn_));
    p += R"(","total_order":)";
    append_int(p, static_cast<int64_t>(total_order_));
    p += R"(,"data_collection_order":)";
    append_int(p, per_table_[t]);
    p += '}';
    int64_t processed_us = commit_us_ + 152'000 + static_cast<int64_t>(total_order_) * 350;
    append_envelope_tail(p, op, processed_us);
    if (config_.schemas_enabled) {
        value_buf_.clear();
        value_buf_ += R"({"schema":)";
        value_buf_ += value_schema_[t];
        value_buf_ += R"(,"payload":)";
        value_buf_ += payload_buf_;
        value_buf_ += '}';
    }
    int64_t kafka_ms = floor_div(processed_us, 1000) + 90;
    if (op == 't') {
        write(static_cast<uint8_t>(t), kafka_ms, nullptr, &value_buf_, true);
        return;
    }
    key_buf_.clear();
    append_key(key_buf_, key_row);
    write(static_cast<uint8_t>(t), kafka_ms, &key_buf_, &value_buf_, true);
    if (op == 'd')
        write(static_cast<uint8_t>(t), kafka_ms, &key_buf_, nullptr, false);  // tombstone
}

void DebeziumEmitter::create(const RowCells& after) {
    if (sink_) sink_->insert(after);
    change('c', nullptr, &after, after, false);
}
void DebeziumEmitter::update(const RowCells& after) {
    if (sink_) sink_->update(after);
    change('u', nullptr, &after, after, false);
}
void DebeziumEmitter::remove(const RowCells& row) {
    if (sink_) sink_->remove(row);
    change('d', &row, nullptr, row, false);
}
void DebeziumEmitter::primary_key_update(const RowCells& before, const RowCells& after) {
    if (sink_) sink_->update_key(before, after);
    change('d', &before, nullptr, before, false);
    change('c', nullptr, &after, after, true);  // same LSN as the delete, like b2_pk_update
}
void DebeziumEmitter::truncate(TableId table) {
    if (sink_) sink_->truncate(table);
    RowCells none(table);
    change('t', nullptr, nullptr, none, false);
}

void DebeziumEmitter::commit() {
    if (!in_tx_ || total_order_ == 0)
        throw ToteError(ErrorClass::Fatal,
                        "simulator bug: commit() without an open, non-empty transaction");
    uint64_t commit_lsn = lsn_ - 8;  // END carries the commit record's LSN, after the last change
    std::string id = std::to_string(tx_id_) + ":" + std::to_string(commit_lsn);
    key_buf_.clear();
    if (config_.schemas_enabled) key_buf_ += R"({"schema":)" + tx_key_schema_ + R"(,"payload":)";
    key_buf_ += R"({"id":")" + id + R"("})";
    if (config_.schemas_enabled) key_buf_ += '}';
    value_buf_.clear();
    if (config_.schemas_enabled)
        value_buf_ += R"({"schema":)" + tx_value_schema_ + R"(,"payload":)";
    value_buf_ += R"({"status":"END","id":")" + id + R"(","event_count":)";
    append_int(value_buf_, static_cast<int64_t>(total_order_));
    value_buf_ += R"(,"data_collections":[)";
    std::array<uint8_t, kTableCount> order{};
    std::copy(appearance_.begin(), appearance_.begin() + tables_seen_, order.begin());
    std::stable_sort(order.begin(), order.begin() + tables_seen_,
                     [&](uint8_t a, uint8_t b) { return java_bucket_[a] < java_bucket_[b]; });
    for (uint8_t i = 0; i < tables_seen_; ++i) {
        if (i) value_buf_ += ',';
        value_buf_ += R"({"data_collection":"public.)";
        value_buf_ += table_def(order[i]).name;
        value_buf_ += R"(","event_count":)";
        append_int(value_buf_, per_table_[order[i]]);
        value_buf_ += '}';
    }
    value_buf_ += R"(],"ts_ms":)";
    append_int(value_buf_, floor_div(commit_us_, 1000));
    value_buf_ += '}';
    if (config_.schemas_enabled) value_buf_ += '}';
    int64_t kafka_ms =
        floor_div(commit_us_ + 152'000 + static_cast<int64_t>(total_order_) * 350, 1000) + 91;
    write(kTableCount, kafka_ms, &key_buf_, &value_buf_, false);
    if (sink_) sink_->commit();
    last_committed_lsn_ = commit_lsn;
    lsn_ = commit_lsn + 56;
    tx_id_ += 1 + (tx_count_ % 17 == 16 ? 2 : 0);  // other sessions' transactions leave gaps
    ++tx_count_;
    in_tx_ = false;
    if (current_) {
        history_next_ = (history_next_ + 1) % history_.size();
        history_size_ = std::min(history_size_ + 1, history_.size());
    }
    current_ = nullptr;
}

size_t DebeziumEmitter::redeliver(size_t transactions) {
    if (in_tx_)
        throw ToteError(ErrorClass::Fatal, "simulator bug: redeliver() inside a transaction");
    transactions = std::min(transactions, history_size_);
    size_t appended = 0;
    int64_t ts_ms = floor_div(commit_us_, 1000) + 30'000;  // after the connector restart
    for (size_t k = transactions; k > 0; --k) {
        const StoredTx& tx = history_[(history_next_ + history_.size() - k) % history_.size()];
        for (size_t i = 0; i < tx.count; ++i) {
            const StoredRecord& r = tx.records[i];
            bool is_change = r.topic != kTableCount && r.has_value;
            write(r.topic, ts_ms, r.has_key ? &r.key : nullptr, r.has_value ? &r.value : nullptr,
                  is_change);
            if (is_change) ++redelivered_changes_;
            ++appended;
        }
    }
    return appended;
}

}  // namespace tote
