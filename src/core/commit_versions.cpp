#include "core/commit_versions.h"

#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace tote {

namespace {

struct RowRef {
    std::string_view table;
    std::string_view key;
    bool operator==(const RowRef&) const = default;
};

struct RowRefHash {
    size_t operator()(const RowRef& r) const {
        return std::hash<std::string_view>{}(r.table) * 31 + std::hash<std::string_view>{}(r.key);
    }
};

}  // namespace

void assign_commit_versions(std::span<ChangeEvent> changes, uint64_t commit_position) {
    if (commit_position == 0) return;
    // Walk backwards: a change is the row's last one when no later change of the row, and no
    // later truncate of its table, was seen.
    std::unordered_set<RowRef, RowRefHash> seen;
    std::unordered_set<std::string_view> truncated;
    if (changes.size() > 8) seen.reserve(changes.size());
    for (size_t i = changes.size(); i-- > 0;) {
        ChangeEvent& c = changes[i];
        if (c.op == Op::Truncate) {
            c.version = make_version(commit_position, VersionRank::Truncate);
            truncated.insert(c.table);
            continue;
        }
        const bool last = !truncated.contains(c.table) && seen.insert({c.table, c.key}).second;
        c.version =
            make_version(commit_position, last ? VersionRank::Change : VersionRank::Superseded);
    }
}

}  // namespace tote
