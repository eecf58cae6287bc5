// QueryParameters and SavedQueryBook: typed binding of {name:Type} placeholders, refusals with
// the parameter named, injection attempts that stay values, and a file's problems with lines.
#include "serve/query_parameters.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "serve/alert_book.h"
#include "serve/saved_query_book.h"

namespace tote {
namespace {

const std::vector<QueryParameter> kDeclared = {
    {"from", "Date", "2026-11-01", false, ""}, {"country", "String", "", false, ""},
    {"limit", "UInt64", "20", false, ""},      {"min", "Float64", "0", false, ""},
    {"delta", "Int64", "", true, ""},
};

TEST(QueryParameters, BindsEachTypeAsALiteral) {
    auto b = QueryParameters::bind(
        "SELECT * FROM t WHERE d >= {from:Date} AND c = {country:String} AND x > {min:Float64} "
        "AND y = {delta:Int64} LIMIT {limit:UInt64}",
        kDeclared, {{"country", "KE"}, {"delta", "-3"}, {"min", "1.5"}});
    ASSERT_TRUE(b.ok()) << b.error;
    EXPECT_EQ(b.sql,
              "SELECT * FROM t WHERE d >= toDate('2026-11-01') AND c = 'KE' AND x > "
              "toFloat64('1.5') AND y = -3 LIMIT 20");
}

TEST(QueryParameters, InjectionAttemptsStayValues) {
    auto b = QueryParameters::bind("SELECT 1 WHERE c = {country:String}", kDeclared,
                                   {{"country", "x' OR 1=1 --"}, {"delta", "1"}});
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b.sql, "SELECT 1 WHERE c = 'x\\' OR 1=1 --'");
    b = QueryParameters::bind("SELECT {country:String}", kDeclared, {{"country", "a\\' ; DROP"}});
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b.sql, "SELECT 'a\\\\\\' ; DROP'");
    // Numbers and dates take nothing but their own shape.
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"limit", "1; DROP TABLE t"},
             {"limit", "-1"},
             {"delta", "1 OR 1=1"},
             {"min", "1e400"},
             {"min", "1)--"},
             {"from", "2026-11-01') OR ('1"},
             {"from", "2026-02-30"},
         }) {
        auto r = QueryParameters::bind(
            "SELECT {limit:UInt64}, {delta:Int64}, {min:Float64}, "
            "{from:Date}",
            kDeclared, {{name, value}, {"delta", name == "delta" ? value : "0"}});
        EXPECT_FALSE(r.ok()) << name << "=" << value;
        EXPECT_NE(r.error.find("parameter '" + name + "'"), std::string::npos) << r.error;
        EXPECT_TRUE(r.sql.empty());
    }
}

TEST(QueryParameters, PlaceholdersInQuotesOrCommentsAreText) {
    auto b = QueryParameters::bind(
        "SELECT '{country:String}', `{x:String}` -- {limit:UInt64}\n/* {from:Date} */, "
        "{limit:UInt64}",
        kDeclared, {});
    ASSERT_TRUE(b.ok()) << b.error;
    EXPECT_EQ(b.sql,
              "SELECT '{country:String}', `{x:String}` -- {limit:UInt64}\n/* {from:Date} */, 20");
    EXPECT_EQ(QueryParameters::placeholders("SELECT {a:Date}, '{b:String}', {c:Int64}"),
              (std::vector<std::pair<std::string, std::string>>{{"a", "Date"}, {"c", "Int64"}}));
}

TEST(QueryParameters, UndeclaredMistypedAndMissingAreRefused) {
    EXPECT_EQ(QueryParameters::bind("SELECT {other:String}", kDeclared, {}).error,
              "placeholder {other:String} names no declared parameter");
    EXPECT_EQ(QueryParameters::bind("SELECT {limit:Int64}", kDeclared, {}).error,
              "placeholder {limit:Int64} has another type than its declaration (UInt64)");
    EXPECT_EQ(QueryParameters::bind("SELECT {delta:Int64}", kDeclared, {}).error,
              "parameter 'delta' (Int64) is required");
    EXPECT_EQ(QueryParameters::bind("SELECT 1", kDeclared, {{"nope", "1"}}).error,
              "parameter 'nope' is not declared by this query");
}

TEST(SavedQueryBook, ParsesQueriesAndReportsEveryProblemWithItsLine) {
    auto book = SavedQueryBook::parse(
        "queries:\n"
        "  - id: a\n"
        "    sql: SELECT {d:Date}\n"
        "    params: [{name: d, type: Date, default: '2026-11-01'}]\n"
        "    chart: line\n"
        "    x: day\n"
        "    y: v\n",
        "q.yaml");
    ASSERT_EQ(book.queries().size(), 1u);
    EXPECT_EQ(book.find("a")->params.at(0).default_value, "2026-11-01");
    EXPECT_NE(book.json().find("\"chart\":\"line\""), std::string::npos);
    try {
        SavedQueryBook::parse(
            "queries:\n"
            "  - id: a\n"
            "    sql: SELECT {d:Date}\n"
            "  - id: a\n"
            "    sql: SELECT 1\n"
            "    chart: pie\n"
            "  - id: b\n"
            "    sql: SELECT {n:Int64}\n"
            "    params: [{name: n, type: Int64, default: x}, {name: m, type: Blob}]\n",
            "q.yaml");
        FAIL() << "a bad file must be refused";
    } catch (const ToteError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("q.yaml:2: query 'a': placeholder {d:Date} names no declared "
                            "parameter"),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find("q.yaml:4: duplicate query id 'a'"), std::string::npos) << what;
        EXPECT_NE(what.find("q.yaml:4: query 'a': chart is table, line or bar"), std::string::npos)
            << what;
        EXPECT_NE(what.find("q.yaml:9: parameter 'n': default 'x' is not an integer (Int64)"),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find("q.yaml:9: parameter 'm' has type 'Blob'"), std::string::npos) << what;
    }
}

TEST(AlertBook, ParametersAreBoundWithTheirDefaults) {
    auto book = AlertBook::parse(
        "alerts:\n"
        "  - id: a\n"
        "    params: [{name: c, type: String, default: NGN}, {name: n, type: Int64, default: "
        "'5'}]\n"
        "    sql: SELECT count() - {n:Int64} FROM t WHERE c = {c:String}\n"
        "    baseline_sql: SELECT {n:Int64}\n"
        "    change_above_pct: 10\n",
        "alerts.yaml");
    ASSERT_EQ(book.rules().size(), 1u);
    EXPECT_EQ(book.rules()[0].sql, "SELECT count() - 5 FROM t WHERE c = 'NGN'");
    EXPECT_EQ(book.rules()[0].baseline_sql, "SELECT 5");
    try {
        AlertBook::parse("alerts:\n  - id: b\n    sql: SELECT {x:Date}\n    above: 1\n",
                         "alerts.yaml");
        FAIL() << "an undeclared placeholder must be refused";
    } catch (const ToteError& e) {
        EXPECT_NE(std::string(e.what()).find(
                      "alerts.yaml:2: alert 'b': placeholder {x:Date} names no declared parameter"),
                  std::string::npos)
            << e.what();
    }
}

TEST(SavedQueryBook, DashboardsNameQueriesOfTheFile) {
    const std::string head =
        "queries:\n"
        "  - id: a\n"
        "    sql: SELECT 1\n"
        "  - id: b\n"
        "    sql: SELECT 2\n";
    auto book = SavedQueryBook::parse(
        head + "dashboards:\n  - id: main\n    title: Main\n    queries: [b, a]\n", "q.yaml");
    ASSERT_EQ(book.boards().size(), 1u);
    EXPECT_EQ(book.boards()[0].queries, (std::vector<std::string>{"b", "a"}));
    EXPECT_NE(book.json().find("\"dashboards\":[{\"id\":\"main\",\"title\":\"Main\","
                               "\"queries\":[\"b\",\"a\"]}]"),
              std::string::npos)
        << book.json();
    try {
        SavedQueryBook::parse(head +
                                  "dashboards:\n  - id: main\n    queries:\n      - a\n"
                                  "      - nope\n  - title: x\n",
                              "q.yaml");
        FAIL() << "a dashboard naming an unknown query must be refused";
    } catch (const ToteError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("q.yaml:10: dashboard 'main' shows query 'nope', which this file does "
                            "not define"),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find("q.yaml:11: a dashboard needs an id"), std::string::npos) << what;
    }
}

// The shipped files load: every placeholder declared, every default of its type.
TEST(ShippedDashboards, QueriesAndAlertsFilesLoad) {
    const std::string dir = std::string(TOTE_SOURCE_DIR) + "/dashboards/";
    auto queries = SavedQueryBook::load(dir + "queries.yaml");
    EXPECT_GE(queries.queries().size(), 3u);
    EXPECT_GE(queries.boards().size(), 1u);
    for (const auto& q : queries.queries())
        EXPECT_TRUE(QueryParameters::bind(q.sql, q.params, {}).ok()) << q.id;
    auto alerts = AlertBook::load(dir + "alerts.yaml");
    bool bound = false;
    for (const auto& r : alerts.rules())
        bound = bound || (!r.params.empty() && r.sql.find("'NGN'") != std::string::npos);
    EXPECT_TRUE(bound) << "the shipped alerts show a parameter";
}

}  // namespace
}  // namespace tote
