#pragma once
// Checkpoints of the fact stage's state on local disk: one file per checkpoint in a folder of
// the data folder, written whole or not at all (temporary file, fsync, rename, fsync of the
// folder), the newest `keep` kept. docs/architecture.md ("Checkpoints") says why a file and not
// RocksDB or warehouse tables.
//
// File: FOLDER/facts-<offset, 20 digits>.ckpt
//   "TOTECKPT" | u32 format version | u32 crc32c(meta) | u32 crc32c(state)
//   | u64 meta length | u64 state length | meta | state
//   meta := i64 next_offset | i64 byte_position | i64 records fed | string fingerprint
//   state := the stage's state (FactStage::save_state)
// (little-endian; strings are u64 length + bytes). A file whose magic, version, length or
// checksum does not match is reported as unreadable and never used.
// Not thread-safe; one writer per folder (the ingest that owns the warehouse's consumer).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "source/record_source.h"

namespace tote {

// 2: row version layout 2; 3: KPI bases held per fact, memory budget counters; 4 (joining an
// existing database): a bet's placed_before_stream (its legs first seen as snapshot reads), the
// fact builder's in_snapshot and stream_from (where the stream began after a snapshot); 5: bet
// changes held until their player arrives; 6: a change's tx_last (Maxwell's commit flag);
// 7: an event's finished_at_us (settlement lag)
inline constexpr uint32_t kCheckpointFormatVersion = 7;

// Where a checkpoint stands in the log.
struct CheckpointMeta {
    LogPosition position;     // after the last record the state covers (a commit position)
    int64_t records_fed = 0;  // records fed to the stage from the log's start (its ordinals)
    std::string fingerprint;  // the configuration that shaped the state
};

struct Checkpoint {
    CheckpointMeta meta;
    std::string state;  // FactStage::save_state bytes
    std::filesystem::path path;
    uint64_t file_bytes = 0;
};

class CheckpointStore {
public:
    // Creates `dir` when it does not exist.
    explicit CheckpointStore(std::filesystem::path dir, size_t keep = 2);

    // Writes a checkpoint durably (returns once it and its name are on disk), then removes all
    // but the newest `keep` and any temporary file a killed writer left. Returns the file's size.
    // Throws ToteError (Retriable: disk full or an I/O error; nothing is half-visible).
    uint64_t write(const CheckpointMeta& meta, std::string_view state);

    // The checkpoint files, newest (largest offset) first, with their offsets.
    std::vector<std::pair<int64_t, std::filesystem::path>> list() const;

    // Reads and verifies one file; nullopt with `why` set when it is unreadable, cut short, of
    // another format version, or fails its checksum.
    std::optional<Checkpoint> read(const std::filesystem::path& path, std::string& why) const;

    const std::filesystem::path& dir() const { return dir_; }

    // The folder that goes with a checkpoint file: the copy of the cold fact state store taken
    // with it (facts-<offset>.cold). write() removes those of removed checkpoints too.
    static std::filesystem::path companion_dir(const std::filesystem::path& checkpoint);
    std::filesystem::path companion_dir_for(int64_t offset) const;

private:
    std::filesystem::path dir_;
    size_t keep_;
};

}  // namespace tote
