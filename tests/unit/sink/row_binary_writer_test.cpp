#include "sink/row_binary_writer.h"

#include <gtest/gtest.h>

namespace tote {
namespace {

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int x : b) s.push_back(static_cast<char>(x));
    return s;
}

TEST(RowBinaryWriter, FixedWidthIntegersAreLittleEndian) {
    RowBinaryWriter w;
    w.uint8(0xAB);
    w.uint32(0x01020304);
    w.int32(-2);
    w.uint64(0x0102030405060708ULL);
    w.int64(-1);
    EXPECT_EQ(w.data(),
              bytes({0xAB, 0x04, 0x03, 0x02, 0x01, 0xFE, 0xFF, 0xFF, 0xFF, 0x08, 0x07, 0x06, 0x05,
                     0x04, 0x03, 0x02, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
}

TEST(RowBinaryWriter, Float64IsIeeeLittleEndian) {
    RowBinaryWriter w;
    w.float64(1.5);  // 0x3FF8000000000000
    EXPECT_EQ(w.data(), bytes({0, 0, 0, 0, 0, 0, 0xF8, 0x3F}));
}

TEST(RowBinaryWriter, StringsHaveLeb128Length) {
    RowBinaryWriter w;
    w.string("ab");
    w.string("");
    EXPECT_EQ(w.data(), bytes({0x02, 'a', 'b', 0x00}));
    RowBinaryWriter big;
    big.string(std::string(300, 'x'));  // 300 = 0b1_0010_1100 -> 0xAC 0x02
    ASSERT_EQ(big.size(), 302u);
    EXPECT_EQ(big.data().substr(0, 2), bytes({0xAC, 0x02}));
    RowBinaryWriter bin;
    bin.string(std::string("\n\n\0x", 4));  // binary bytes pass through untouched
    EXPECT_EQ(bin.data(), bytes({0x04, 0x0A, 0x0A, 0x00, 'x'}));
}

TEST(RowBinaryWriter, Nullables) {
    RowBinaryWriter w;
    w.nullable_int64(std::nullopt);
    w.nullable_int64(7);
    w.nullable_uint8(1);
    w.nullable_string(std::nullopt);
    w.nullable_string(std::string("z"));
    w.nullable_float64(std::nullopt);
    EXPECT_EQ(w.data(),
              bytes({0x01, 0x00, 7, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x01, 0x00, 0x01, 'z', 0x01}));
}

TEST(RowBinaryWriter, Decimal128IsSixteenBytesTwosComplement) {
    RowBinaryWriter w;
    w.nullable_decimal128(static_cast<__int128>(-1234));  // -12.34 at scale 2
    std::string expect = bytes({0x00, 0x2E, 0xFB});
    expect += std::string(14, static_cast<char>(0xFF));
    EXPECT_EQ(w.data(), expect);
    RowBinaryWriter big;
    big.int128(static_cast<__int128>(1) << 64);
    EXPECT_EQ(big.data(), bytes({0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(RowBinaryWriter, ArrayOfStrings) {
    RowBinaryWriter w;
    w.string_array({"note", "x"});
    w.string_array({});
    EXPECT_EQ(w.data(), bytes({0x02, 0x04, 'n', 'o', 't', 'e', 0x01, 'x', 0x00}));
}

TEST(RowBinaryWriter, TruncateUndoesAPartialRow) {
    RowBinaryWriter w;
    w.uint8(1);
    size_t mark = w.size();
    w.string("partial");
    w.truncate(mark);
    EXPECT_EQ(w.data(), bytes({1}));
}

}  // namespace
}  // namespace tote
