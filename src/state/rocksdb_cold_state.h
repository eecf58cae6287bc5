#pragma once
// The fact state that left memory (ColdState), in an embedded RocksDB store under the
// checkpoint folder, snapshotted with every checkpoint (docs/architecture.md, "Bounded memory").
//
// Consistency with checkpoints. The working store is scratch: at start it is either restored
// from the copy taken with the checkpoint being restored (restore_from), or emptied (reset) when
// the state is rebuilt from the log's start. checkpoint_to() takes a copy as of the moment the
// checkpoint's state is saved (a RocksDB checkpoint: the memtable flushed, immutable table files
// hard-linked), so a checkpoint's hot state and its cold copy describe one position. Writes skip
// RocksDB's write-ahead log: nothing in the working store is needed after a crash.
//
// Memory: two 16 MiB memtables and an 8 MiB block cache holding the index and filter blocks
// (docs/operations.md, "Memory budget"). Not thread-safe.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/cold_state.h"

namespace tote {

class RocksDbColdState : public ColdState {
public:
    // Opens the working store in `dir` (created when missing), emptied. Throws ToteError (Fatal)
    // naming the folder when it cannot be opened.
    explicit RocksDbColdState(std::filesystem::path dir);
    ~RocksDbColdState() override;

    bool get(std::string_view key, std::string& value) override;
    void put(std::string_view key, std::string_view value) override;
    void scan(std::string_view prefix,
              const std::function<void(std::string_view, std::string_view)>& f) override;

    // Empties the store (the state is rebuilt from the log's start).
    void reset();
    // A copy of the store as of now in `dir` (replaced if it exists), durable when this returns.
    // Throws ToteError (Retriable) on an I/O error; `dir` is then absent.
    void checkpoint_to(const std::filesystem::path& dir);
    // Replaces the store with the copy in `dir` (taken by checkpoint_to). Throws ToteError
    // (Fatal) when the copy cannot be read; the store is then empty.
    void restore_from(const std::filesystem::path& dir);

    // Keys written since the store was opened, restored or reset (for progress and tests).
    uint64_t puts() const { return puts_; }
    const std::filesystem::path& dir() const { return dir_; }

    RocksDbColdState(const RocksDbColdState&) = delete;
    RocksDbColdState& operator=(const RocksDbColdState&) = delete;

private:
    struct Db;
    void open();
    void close();

    std::filesystem::path dir_;
    std::unique_ptr<Db> db_;
    uint64_t puts_ = 0;
};

}  // namespace tote
