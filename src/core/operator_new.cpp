// The program's global operator new and delete, served by mimalloc (Debian's libmimalloc2.0)
// instead of the C library's malloc: the fact stage allocates and frees many small, short-lived
// objects (model rows, fact rows, contexts), and glibc's malloc spent ~30 % of the ingest
// thread on them (docs/benchmarks.md, "Speed, step by step").
//
// Only operator new/delete are replaced, never malloc/free: the embedded engine (libchdb) frees
// some memory that the C library allocated for it with the C library's own free, so a malloc
// that interposes process-wide (linking libmimalloc.so, LD_PRELOAD) makes it abort. The library
// is therefore opened with RTLD_LOCAL (its malloc stays out of the global symbol scope) and only
// its mi_* entry points are called. Without the library (not installed) operator new falls back
// to malloc; the choice is made once, at the first allocation, so every block is freed by the
// allocator that made it. The library stays open for the life of the process (blocks allocated
// by it may be freed until exit), so its handle is deliberately never closed.
//
// RocksDB (the cold state store) asks malloc_usable_size() about blocks it got from operator
// new, so this file also defines malloc_usable_size: mimalloc's answer for its own blocks, the C
// library's for every other block.
//
// Linked into the programs (tote, the benchmarks) as an object library, never into a library:
// a program has exactly one definition of the replaceable operators.
#include <dlfcn.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace {

using UsableSize = std::size_t (*)(void*);

struct Allocator {
    void* (*allocate)(std::size_t) = nullptr;
    void (*release)(void*) = nullptr;
    bool (*owns)(const void*) = nullptr;  // nullptr: every block is the C library's
    UsableSize usable_size = nullptr;     // of a block it owns
    UsableSize libc_usable_size = nullptr;
};

void* malloc_aligned(std::size_t n, std::size_t align) {
    void* p = nullptr;
    return ::posix_memalign(&p, align < sizeof(void*) ? sizeof(void*) : align, n) == 0 ? p
                                                                                       : nullptr;
}

Allocator open_allocator() {
    Allocator a{&std::malloc, &std::free};
    a.libc_usable_size = reinterpret_cast<UsableSize>(::dlsym(RTLD_NEXT, "malloc_usable_size"));
    void* lib = ::dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!lib || !a.libc_usable_size) return a;
    auto* m = reinterpret_cast<void* (*)(std::size_t)>(::dlsym(lib, "mi_malloc"));
    auto* f = reinterpret_cast<void (*)(void*)>(::dlsym(lib, "mi_free"));
    auto* owns = reinterpret_cast<bool (*)(const void*)>(::dlsym(lib, "mi_is_in_heap_region"));
    auto* size = reinterpret_cast<UsableSize>(::dlsym(lib, "mi_usable_size"));
    if (m && f && owns && size) {
        a.allocate = m;
        a.release = f;
        a.owns = owns;
        a.usable_size = size;
    }
    return a;
}

const Allocator& allocator() {
    static const Allocator a = open_allocator();  // thread-safe, allocates nothing itself
    return a;
}

void* allocate(std::size_t n) {
    if (void* p = allocator().allocate(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}

// Over-aligned types (rare here) always use the C library, new and delete alike (C++ pairs the
// aligned forms): mimalloc 2.0.9's mi_malloc_aligned returned a block of 256 bytes aligned to
// 128 only (the unit test's case).
void* allocate(std::size_t n, std::align_val_t align) {
    if (void* p = malloc_aligned(n == 0 ? 1 : n, static_cast<std::size_t>(align))) return p;
    throw std::bad_alloc();
}

void* allocate_nothrow(std::size_t n) noexcept {
    return allocator().allocate(n == 0 ? 1 : n);
}

void* allocate_nothrow(std::size_t n, std::align_val_t align) noexcept {
    return malloc_aligned(n == 0 ? 1 : n, static_cast<std::size_t>(align));
}

void release_aligned(void* p) noexcept {
    std::free(p);
}

void release(void* p) noexcept {
    if (p) allocator().release(p);
}

}  // namespace

extern "C" std::size_t malloc_usable_size(void* p) noexcept {
    const Allocator& a = allocator();
    if (p && a.owns && a.owns(p)) return a.usable_size(p);
    return a.libc_usable_size ? a.libc_usable_size(p) : 0;
}

void* operator new(std::size_t n) {
    return allocate(n);
}
void* operator new[](std::size_t n) {
    return allocate(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    return allocate_nothrow(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    return allocate_nothrow(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
    return allocate(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a) {
    return allocate(n, a);
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return allocate_nothrow(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return allocate_nothrow(n, a);
}

void operator delete(void* p) noexcept {
    release(p);
}
void operator delete[](void* p) noexcept {
    release(p);
}
void operator delete(void* p, std::size_t) noexcept {
    release(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    release(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    release(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    release_aligned(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    release_aligned(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    release_aligned(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    release_aligned(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    release_aligned(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    release_aligned(p);
}
