// Declared source types: the vocabulary, its SQL synonyms, canonical texts and landing types.
#include "core/source_type.h"

#include <gtest/gtest.h>

namespace tote {
namespace {

TEST(SourceType, ParsesTheVocabularyAndItsSqlNames) {
    const std::vector<std::pair<const char*, const char*>> cases = {
        {"int8", "int8"},
        {"smallint", "int16"},
        {"INTEGER", "int32"},
        {"int", "int32"},
        {"bigint", "int64"},
        {"real", "float32"},
        {"double", "float64"},
        {"float64", "float64"},
        {"bool", "boolean"},
        {"text", "string"},
        {"bytes", "bytes"},
        {"numeric(18, 2)", "decimal(18,2)"},
        {"Decimal(38,0)", "decimal(38,0)"},
        {"double precision", "float64"}};
    for (const auto& [in, out] : cases) {
        auto t = parse_source_type(in);
        ASSERT_TRUE(t) << in;
        EXPECT_EQ(t->text(), out) << in;
    }
    EXPECT_EQ(parse_source_type("decimal(18,2)")->landing(), (ColumnType{ColumnKind::Decimal, 2}));
    EXPECT_EQ(parse_source_type("int16")->landing(), (ColumnType{ColumnKind::Int64, 0}));
    EXPECT_EQ(parse_source_type("bytes")->landing(), (ColumnType{ColumnKind::String, 0}));
}

TEST(SourceType, RefusesWhatItDoesNotKnowWithAReason) {
    std::string why;
    EXPECT_FALSE(parse_source_type("varchar(20)", &why));
    EXPECT_NE(why.find("unknown type 'varchar(20)'"), std::string::npos) << why;
    EXPECT_FALSE(parse_source_type("decimal(39,2)", &why));
    EXPECT_EQ(why, "'decimal(39,2)': precision must be 1..38 and scale 0..precision");
    EXPECT_FALSE(parse_source_type("decimal(2,3)", &why));
    EXPECT_FALSE(parse_source_type("decimal", &why));
    EXPECT_EQ(why,
              "unknown type 'decimal' (known: int8, int16, int32, int64, float32, float64, "
              "boolean, string, bytes, decimal(P,S); SQL names smallint, integer, bigint, "
              "real, double, bool, text, numeric(P,S))");
    EXPECT_FALSE(parse_source_type("decimal(18)", &why));
    EXPECT_EQ(why, "'decimal(18)': expected decimal(P,S), e.g. decimal(18,2)");
}

}  // namespace
}  // namespace tote
