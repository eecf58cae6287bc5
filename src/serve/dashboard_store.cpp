#include "serve/dashboard_store.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/json_escape.h"
#include "serve/alert_book.h"
#include "serve/line_diff.h"
#include "serve/saved_query_book.h"

namespace tote {
namespace fs = std::filesystem;
namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return "";
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_atomically(const fs::path& p, const std::string& text) {
    const fs::path tmp = p.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush())
            throw ToteError(ErrorClass::Fatal, "cannot write " + tmp.string() +
                                                   ": check the data folder's space and rights");
    }
    fs::rename(tmp, p);
}

std::map<std::string, fs::path> yaml_files(const fs::path& dir) {
    std::map<std::string, fs::path> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".yaml")
            out[e.path().filename().string()] = e.path();
    return out;
}

}  // namespace

DashboardStore::DashboardStore(fs::path dir) : dir_(std::move(dir)) {}

void DashboardStore::check(const fs::path& file) {
    const std::string text = read_text(file);
    // The kind is the file's top-level key.
    if (text.find("\nqueries:") != std::string::npos || text.rfind("queries:", 0) == 0)
        SavedQueryBook::load(file);
    else if (text.find("\nalerts:") != std::string::npos || text.rfind("alerts:", 0) == 0)
        AlertBook::load(file);
    else
        throw ToteError(ErrorClass::Fatal,
                        file.string() +
                            ": not a dashboards file: its top-level key is neither "
                            "`queries:` nor `alerts:` (docs/operations.md, "
                            "\"Dashboards as code\")");
}

std::vector<DashboardChange> DashboardStore::diff(const fs::path& source_dir) const {
    std::vector<DashboardChange> out;
    const auto source = yaml_files(source_dir);
    const auto applied = yaml_files(dir_);
    std::set<std::string> names;
    for (const auto& [n, _] : source) names.insert(n);
    for (const auto& [n, _] : applied) names.insert(n);
    for (const auto& name : names) {
        const bool in_source = source.count(name), in_applied = applied.count(name);
        const std::string from = in_applied ? read_text(applied.at(name)) : "";
        const std::string to = in_source ? read_text(source.at(name)) : "";
        if (in_source && in_applied && from == to) continue;
        DashboardChange c;
        c.file = name;
        c.is_new = !in_applied;
        c.is_removed = !in_source;
        c.diff = LineDiff::unified(from, to, in_applied ? "applied/" + name : "/dev/null",
                                   in_source ? (source_dir / name).string() : "/dev/null");
        std::tie(c.added, c.removed) = LineDiff::counts(from, to);
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<DashboardVersion> DashboardStore::apply(const fs::path& source_dir,
                                                    const std::string& applied_at) {
    std::error_code ec;
    if (!fs::is_directory(source_dir, ec))
        throw ToteError(ErrorClass::Fatal, "no folder " + source_dir.string() +
                                               ": give the folder of your dashboards files "
                                               "(e.g. dashboards/)");
    // Every file is checked before anything changes.
    std::string problems;
    for (const auto& [name, path] : yaml_files(source_dir)) {
        try {
            check(path);
        } catch (const ToteError& e) {
            problems += std::string("\n") + e.what();
        }
    }
    if (!problems.empty())
        throw ToteError(ErrorClass::Fatal, "nothing applied: fix these first" + problems);
    const auto changes = diff(source_dir);
    fs::create_directories(dir_ / "history");
    int64_t next = 1;
    for (const auto& v : history()) next = std::max(next, v.version + 1);
    std::vector<DashboardVersion> out;
    for (const auto& c : changes) {
        DashboardVersion v{next++, c.file, applied_at, c.diff};
        write_atomically(dir_ / "history" / (std::to_string(v.version) + "." + c.file + ".diff"),
                         "applied_at " + applied_at + "\n" + c.diff);
        if (c.is_removed)
            fs::remove(dir_ / c.file);
        else
            write_atomically(dir_ / c.file, read_text(source_dir / c.file));
        out.push_back(std::move(v));
    }
    return out;
}

std::vector<DashboardVersion> DashboardStore::history() const {
    std::vector<DashboardVersion> out;
    std::error_code ec;
    if (!fs::is_directory(dir_ / "history", ec)) return out;
    for (const auto& e : fs::directory_iterator(dir_ / "history")) {
        const std::string name = e.path().filename().string();  // N.file.yaml.diff
        const size_t dot = name.find('.');
        if (dot == std::string::npos || name.size() < 5 ||
            name.compare(name.size() - 5, 5, ".diff") != 0)
            continue;
        DashboardVersion v;
        try {
            v.version = std::stoll(name.substr(0, dot));
        } catch (const std::exception&) {
            continue;
        }
        v.file = name.substr(dot + 1, name.size() - dot - 1 - 5);
        std::string text = read_text(e.path());
        const size_t nl = text.find('\n');
        if (text.rfind("applied_at ", 0) == 0 && nl != std::string::npos) {
            v.applied_at = text.substr(11, nl - 11);
            text.erase(0, nl + 1);
        }
        v.diff = std::move(text);
        out.push_back(std::move(v));
    }
    std::sort(out.begin(), out.end(),
              [](const auto& x, const auto& y) { return x.version > y.version; });
    return out;
}

fs::path DashboardStore::applied(const std::string& file) const {
    std::error_code ec;
    return fs::is_regular_file(dir_ / file, ec) ? dir_ / file : fs::path();
}

std::string DashboardStore::history_json() const {
    std::string out = "{\"versions\":[";
    bool first = true;
    for (const auto& v : history()) {
        if (!first) out += ',';
        first = false;
        out += "{\"version\":" + std::to_string(v.version) + ",\"file\":";
        append_json_string(out, v.file);
        out += ",\"applied_at\":";
        append_json_string(out, v.applied_at);
        out += ",\"diff\":";
        append_json_string(out, v.diff);
        out += "}";
    }
    return out + "]}";
}

}  // namespace tote
