// tote dashboards diff|apply|history: saved queries and alerts as code. The files live in the
// repository (dashboards/*.yaml); apply copies them into the data folder, where `tote serve`
// reads them, keeping every applied version with its diff (serve/dashboard_store.h).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>

#include "cli/commands.h"
#include "serve/dashboard_store.h"

namespace tote {

void add_dashboards_command(CLI::App& app, CliContext& ctx) {
    auto* cmd = app.add_subcommand(
        "dashboards",
        "Saved queries and alerts as code: the YAML files of a folder (dashboards/) applied into "
        "the data folder, where `tote serve` reads them, with the history of every version "
        "(docs/operations.md, \"Dashboards as code\")");
    cmd->require_subcommand(1);
    auto dir = std::make_shared<std::string>("dashboards");
    const auto store = [&ctx] { return DashboardStore(ctx.dashboards_dir()); };

    auto* diff = cmd->add_subcommand(
        "diff",
        "Show what `tote dashboards apply` would change, as unified diffs; exit 0 when nothing "
        "differs, 1 when something does");
    diff->add_option("DIR", *dir, "The folder of dashboards files")->capture_default_str();
    diff->callback([dir, store] {
        const auto changes = store().diff(*dir);
        for (const auto& c : changes) fmt::print("{}", c.diff);
        if (changes.empty()) {
            fmt::print("{}: nothing differs from what is applied\n", *dir);
            return;
        }
        for (const auto& c : changes)
            fmt::print("{}: {} (+{} -{} lines)\n", c.file,
                       c.is_new       ? "new"
                       : c.is_removed ? "removed"
                                      : "changed",
                       c.added, c.removed);
        throw ReconcileMismatch{};
    });

    auto* apply = cmd->add_subcommand(
        "apply",
        "Check every file of the folder, then apply the changed ones as new versions into the "
        "data folder (nothing changes when a file is bad); a running `tote serve` reads the "
        "queries again within a second (restart it for the alerts)");
    apply->add_option("DIR", *dir, "The folder of dashboards files")->capture_default_str();
    apply->callback([dir, store, &ctx] {
        const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        const auto versions =
            store().apply(*dir, fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(now)));
        if (versions.empty()) {
            fmt::print("{}: nothing to apply, {} holds the same files\n", *dir,
                       ctx.dashboards_dir().string());
            return;
        }
        for (const auto& v : versions) fmt::print("applied {} as version {}\n", v.file, v.version);
        fmt::print(
            "{} file(s) applied into {}; `tote --data-dir {} serve` serves them (a running one "
            "reads the queries again within a second; restart it for the alerts); `tote "
            "--data-dir {} dashboards history` lists every version\n",
            versions.size(), ctx.dashboards_dir().string(), ctx.data_dir, ctx.data_dir);
    });

    auto* history =
        cmd->add_subcommand("history", "List every applied version, newest first, with its diff");
    history->callback([store] {
        const auto versions = store().history();
        if (versions.empty()) fmt::print("no dashboards applied yet\n");
        for (const auto& v : versions)
            fmt::print("version {} {} applied {}\n{}", v.version, v.file, v.applied_at, v.diff);
    });
}

}  // namespace tote
