#pragma once
// A unified diff of two texts by lines (as `diff -u` prints it), for dashboards as code: what
// `tote dashboards diff` shows and what each applied version's history keeps. The longest common
// subsequence of lines is found after trimming the common head and tail; texts whose differing
// middles are too large for that (over 4M line pairs) are shown as a whole replacement.
#include <string>

namespace tote {

class LineDiff {
public:
    // "" when the texts are equal; else "--- from\n+++ to\n@@ -a,b +c,d @@\n..." with `context`
    // unchanged lines around each change.
    static std::string unified(const std::string& from_text, const std::string& to_text,
                               const std::string& from_name, const std::string& to_name,
                               int context = 3);
    // Lines added and removed between the texts.
    static std::pair<int, int> counts(const std::string& from_text, const std::string& to_text);
};

}  // namespace tote
