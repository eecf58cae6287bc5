#include "core/table_identity.h"

#include <gtest/gtest.h>

#include <set>

namespace tote {
namespace {

TEST(TableIdentity, DefaultSchemaKeepsTheBareName) {
    EXPECT_EQ(TableIdentity::of("public", "bets", "public"), "bets");
    EXPECT_EQ(TableIdentity::of("", "bets", "public"), "bets");
    EXPECT_EQ(TableIdentity::of("", "bets", ""), "bets");
    EXPECT_EQ(TableIdentity::of("sales", "bets", "public"), "sales.bets");
    EXPECT_EQ(TableIdentity::of("sportsbook", "bets", ""), "sportsbook.bets");
    EXPECT_EQ(TableIdentity::of("public", "bets", ""), "public.bets");
}

TEST(TableIdentity, EscapingKeepsNamesApart) {
    EXPECT_EQ(TableIdentity::of("public", "a.b", "public"), "public.a%2Eb");
    EXPECT_EQ(TableIdentity::of("a", "b", "public"), "a.b");
    EXPECT_EQ(TableIdentity::of("a.", "b", "public"), "a%2E.b");
    EXPECT_EQ(TableIdentity::of("a", ".b", "public"), "a.%2Eb");
    EXPECT_EQ(TableIdentity::of("public", "x%2Ey", "public"), "public.x%252Ey");
    // Distinct inputs, distinct names; parse() gives them back.
    const std::vector<std::pair<std::string, std::string>> tables = {
        {"public", "a.b"}, {"a", "b"},        {"a.", "b"}, {"a", ".b"}, {"public", "x%2Ey"},
        {"public", "x.y"}, {"sales", "bets"}, {"s%", "t"}, {"s", "%t"}};
    std::set<std::string> names;
    for (const auto& [schema, table] : tables) {
        std::string id = TableIdentity::of(schema, table, "public");
        EXPECT_TRUE(names.insert(id).second) << id;
        EXPECT_EQ(TableIdentity::parse(id), (QualifiedTable{schema, table})) << id;
    }
    EXPECT_EQ(TableIdentity::parse("bets"), (QualifiedTable{"", "bets"}));
}

}  // namespace
}  // namespace tote
