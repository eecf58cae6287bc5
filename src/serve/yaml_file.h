#pragma once
// What the dashboards' YAML files (saved queries, alerts) share: reading one, parsing it with
// errors that name the file and line, and a node's line for problems.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.h"

namespace tote {

// The file's text; a file that cannot be read is a ToteError (Fatal) naming it as `what` and
// pointing at `doc` (the docs section that describes it).
inline std::string read_yaml_file(const std::filesystem::path& path, const std::string& what,
                                  const std::string& doc) {
    std::ifstream in(path);
    if (!in)
        throw ToteError(ErrorClass::Fatal, "cannot read the " + what + " file " + path.string() +
                                               ": check the path (" + doc + ")");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The parsed text; invalid YAML is a ToteError (Fatal) "ORIGIN:LINE: not valid YAML: ...".
inline YAML::Node parse_yaml(const std::string& yaml, const std::string& origin) {
    try {
        return YAML::Load(yaml);
    } catch (const YAML::ParserException& e) {
        throw ToteError(ErrorClass::Fatal, origin + ":" + std::to_string(e.mark.line + 1) +
                                               ": not valid YAML: " + e.msg);
    }
}

// The 1-based line of a node (0 when unknown).
inline int yaml_line(const YAML::Node& n) {
    return n.Mark().line < 0 ? 0 : n.Mark().line + 1;
}

}  // namespace tote
