// src/core/operator_new.cpp: blocks from operator new (mimalloc when installed) and from malloc
// (the C library) live side by side; each is freed by its own allocator and malloc_usable_size
// answers for both (RocksDB asks it about blocks it got from operator new).
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace {

struct alignas(256) Wide {
    char bytes[256];
};

TEST(OperatorNew, BlocksOfEverySizeAreUsableAndFreed) {
    std::vector<std::unique_ptr<char[]>> blocks;
    for (std::size_t n : {1u, 15u, 16u, 100u, 700u, 4096u, 70000u, 5u << 20}) {
        auto p = std::make_unique<char[]>(n);
        std::memset(p.get(), 0x5a, n);
        EXPECT_GE(malloc_usable_size(p.get()), n) << n;
        blocks.push_back(std::move(p));
    }
    for (auto& b : blocks) EXPECT_EQ(b[0], 0x5a);
}

TEST(OperatorNew, MallocBlocksStayTheCLibrarys) {
    void* c = std::malloc(300);
    auto* n = new std::string(300, 'x');
    EXPECT_GE(malloc_usable_size(c), 300u);
    EXPECT_GE(malloc_usable_size(n->data()), 300u);
    delete n;
    std::free(c);
}

TEST(OperatorNew, AlignedAndNothrowForms) {
    auto* w = new Wide[3];
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(w) % alignof(Wide), 0u);
    delete[] w;
    auto* one = new Wide;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(one) % alignof(Wide), 0u);
    delete one;
    int* i = new (std::nothrow) int(7);
    ASSERT_NE(i, nullptr);
    EXPECT_EQ(*i, 7);
    delete i;
    EXPECT_EQ(malloc_usable_size(nullptr), 0u);
}

}  // namespace
