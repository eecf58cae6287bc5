#pragma once
// Dashboards as code: the saved queries and alerts files of a repository folder (dashboards/
// *.yaml) are applied into the data folder (DATA/dashboards/), where `tote serve` reads them;
// every applied version is kept with its unified diff against the one before, so the history of
// what the dashboard showed is there to read (`tote dashboards history`, GET
// /api/v1/dashboards/history). `tote dashboards diff` shows what apply would change; apply checks
// every file first (a queries file as SavedQueryBook, an alerts file as AlertBook) and changes
// nothing when one is bad.
//
// Layout: DATA/dashboards/<file>.yaml (the applied copy, written atomically) and
// DATA/dashboards/history/<N>.<file>.diff (version N, a number over all files; its first line
// says when it was applied).
#include <filesystem>
#include <string>
#include <vector>

namespace tote {

struct DashboardChange {
    std::string file;  // queries.yaml
    std::string diff;  // unified diff, applied -> source
    int added = 0, removed = 0;
    bool is_new = false, is_removed = false;
};

struct DashboardVersion {
    int64_t version = 0;
    std::string file;
    std::string applied_at;  // UTC, ISO 8601
    std::string diff;
};

class DashboardStore {
public:
    explicit DashboardStore(std::filesystem::path dir);

    // What applying `source_dir` would change, file by file (equal files are left out).
    std::vector<DashboardChange> diff(const std::filesystem::path& source_dir) const;

    // Checks every *.yaml of `source_dir` (throws ToteError Fatal listing each problem and
    // changing nothing), then applies the changes, each as a new version; returns them.
    std::vector<DashboardVersion> apply(const std::filesystem::path& source_dir,
                                        const std::string& applied_at);

    // Every applied version, newest first.
    std::vector<DashboardVersion> history() const;

    // The applied copy of `file` ("" when none).
    std::filesystem::path applied(const std::string& file) const;

    // {"versions":[{version,file,applied_at,diff}]}, newest first.
    std::string history_json() const;

    // Checks one file by its kind (`queries:` or `alerts:`); throws ToteError Fatal.
    static void check(const std::filesystem::path& file);

private:
    std::filesystem::path dir_;
};

}  // namespace tote
