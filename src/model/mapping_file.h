#pragma once
// A mapping file (YAML, docs/mapping.md): an operator's OLTP schema -> the betting model, read
// into a BettingMapping once at start; every key keeps the line it was written on so that checks
// (MappingFile::problems, `tote mapping check`) can point at it. Unknown keys, unknown model
// values and missing required fields are errors with their line, never defaults.
//
// The simulator's mapping (mappings/simulator.yaml) is built into the binary at build time
// (builtin_simulator()), so `tote demo` finds it wherever the program is installed.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/source_type.h"
#include "model/betting_mapping.h"

namespace tote::model {

// A source column's type declared by the file's `source_types:` section, for messages that carry
// no value schema (DeclaredTypeDecoder).
struct SourceColumnType {
    std::string table;
    std::string column;
    SourceType type;
    int line = 0;
};

// One problem of a mapping file, at a line (1-based; 0 = the file as a whole).
struct MappingProblem {
    int line = 0;
    std::string message;
    bool operator==(const MappingProblem&) const = default;
};

class MappingFile {
public:
    // Parses `text` (named `origin` in messages, e.g. its path). Throws ToteError(Fatal) listing
    // every problem as "origin:line: problem" when the text is not a usable mapping.
    static MappingFile parse(std::string_view text, std::string origin);
    // Reads and parses a file; a missing or unreadable file is a ToteError(Fatal) too.
    static MappingFile load(const std::filesystem::path& path);
    // mappings/simulator.yaml as built into the binary.
    static MappingFile builtin_simulator();
    // The text of mappings/simulator.yaml as built into the binary.
    static std::string_view builtin_simulator_text();

    // The problems parse() would throw for, without throwing (for `tote mapping check`).
    static std::vector<MappingProblem> problems(std::string_view text);

    const BettingMapping& mapping() const { return mapping_; }
    const std::string& origin() const { return origin_; }
    // A stable digest of the mapping's content (comments and layout excluded): it goes into
    // the checkpoint fingerprint, so a checkpoint taken under another mapping is not used.
    const std::string& digest() const { return digest_; }

    // The `source_types:` section, in file order.
    const std::vector<SourceColumnType>& source_types() const { return source_types_; }

    // The line of a key, by its dotted path ("bet.columns.stake", "bet.values.status",
    // "bet.values.status.won", "bet.table", "bet"); 0 when the file does not have it.
    int line_of(const std::string& path) const;
    // "origin:line" for messages.
    std::string where(const std::string& path) const;

private:
    BettingMapping mapping_;
    std::string origin_;
    std::string digest_;
    std::map<std::string, int> lines_;
    std::vector<SourceColumnType> source_types_;

    friend class MappingFileReader;
};

}  // namespace tote::model
