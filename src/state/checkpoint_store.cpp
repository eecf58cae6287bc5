#include "state/checkpoint_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "core/state_reader.h"
#include "core/state_writer.h"
#include "core/unique_fd.h"
#include "source/file_log_format.h"

namespace tote {

namespace {

constexpr char kMagic[8] = {'T', 'O', 'T', 'E', 'C', 'K', 'P', 'T'};
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 4 + 8 + 8;
constexpr const char* kPrefix = "facts-";
constexpr const char* kSuffix = ".ckpt";

[[noreturn]] void io_error(const std::string& what, const std::filesystem::path& p) {
    throw ToteError(ErrorClass::Retriable,
                    "cannot " + what + " checkpoint " + p.string() + ": " + std::strerror(errno) +
                        " (ingest continues from the previous checkpoint or a full replay "
                        "at its next start; free disk space or check the data folder)");
}

void write_all(int fd, std::string_view data, const std::filesystem::path& p) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) io_error("write", p);
        data.remove_prefix(static_cast<size_t>(n));
    }
}

void fsync_dir(const std::filesystem::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd || ::fsync(fd.get()) != 0) io_error("sync the folder of", dir);
}

std::optional<int64_t> offset_of(const std::filesystem::path& p) {
    const std::string name = p.filename().string();
    const std::string prefix = kPrefix, suffix = kSuffix;
    if (name.size() != prefix.size() + 20 + suffix.size() || name.rfind(prefix, 0) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
        return std::nullopt;
    int64_t v = 0;
    for (size_t i = prefix.size(); i < prefix.size() + 20; ++i) {
        if (name[i] < '0' || name[i] > '9') return std::nullopt;
        v = v * 10 + (name[i] - '0');
    }
    return v;
}

template <class T>
void put_raw(std::string& out, T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
}

std::string file_name(int64_t offset) {
    char name[64];
    std::snprintf(name, sizeof(name), "%s%020lld%s", kPrefix, static_cast<long long>(offset),
                  kSuffix);
    return name;
}

}  // namespace

std::filesystem::path CheckpointStore::companion_dir(const std::filesystem::path& checkpoint) {
    auto p = checkpoint;
    p.replace_extension(".cold");
    return p;
}

std::filesystem::path CheckpointStore::companion_dir_for(int64_t offset) const {
    return companion_dir(dir_ / file_name(offset));
}

CheckpointStore::CheckpointStore(std::filesystem::path dir, size_t keep)
    : dir_(std::move(dir)), keep_(std::max<size_t>(keep, 1)) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec)
        throw ToteError(ErrorClass::Fatal, "cannot create the checkpoint folder " + dir_.string() +
                                               ": " + ec.message());
}

uint64_t CheckpointStore::write(const CheckpointMeta& meta, std::string_view state) {
    StateWriter head;
    head(meta.position.next_offset, meta.position.byte_position, meta.records_fed,
         meta.fingerprint);
    std::string header(kMagic, sizeof(kMagic));
    put_raw(header, kCheckpointFormatVersion);
    put_raw(header, crc32c(head.bytes()));
    put_raw(header, crc32c(state));
    put_raw(header, static_cast<uint64_t>(head.size()));
    put_raw(header, static_cast<uint64_t>(state.size()));

    const std::string name = file_name(meta.position.next_offset);
    const auto path = dir_ / name;
    const auto tmp = dir_ / (name + ".tmp");
    {
        UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!fd) io_error("create", tmp);
        write_all(fd.get(), header, tmp);
        write_all(fd.get(), head.bytes(), tmp);
        write_all(fd.get(), state, tmp);
        if (::fsync(fd.get()) != 0) io_error("sync", tmp);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) io_error("rename", tmp);
    fsync_dir(dir_);

    // Older ones beyond `keep`, and temporary files of killed writers.
    auto all = list();
    for (size_t i = keep_; i < all.size(); ++i) std::filesystem::remove(all[i].second);
    all.resize(std::min(all.size(), keep_));
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
        if (e.path().extension() == ".tmp") {
            std::filesystem::remove_all(e.path(), ec);
        } else if (e.path().extension() == ".cold") {
            // The cold store copy of a removed checkpoint, or of one a killed writer never wrote.
            const bool kept = std::any_of(all.begin(), all.end(), [&](const auto& c) {
                return companion_dir(c.second) == e.path();
            });
            if (!kept) std::filesystem::remove_all(e.path(), ec);
        }
    }
    return header.size() + head.size() + state.size();
}

std::vector<std::pair<int64_t, std::filesystem::path>> CheckpointStore::list() const {
    std::vector<std::pair<int64_t, std::filesystem::path>> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec))
        if (auto off = offset_of(e.path())) out.emplace_back(*off, e.path());
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    return out;
}

std::optional<Checkpoint> CheckpointStore::read(const std::filesystem::path& path,
                                                std::string& why) const {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0) {
        why = std::string("cannot open it: ") + std::strerror(errno);
        return std::nullopt;
    }
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n =
            ::pread(fd.get(), bytes.data() + got, bytes.size() - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            why = std::string("cannot read it: ") + (n < 0 ? std::strerror(errno) : "cut short");
            return std::nullopt;
        }
        got += static_cast<size_t>(n);
    }
    if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
        why = "not a tote checkpoint (no TOTECKPT header)";
        return std::nullopt;
    }
    uint32_t version = 0, meta_crc = 0, state_crc = 0;
    uint64_t meta_length = 0, state_length = 0;
    std::memcpy(&version, bytes.data() + 8, 4);
    std::memcpy(&meta_crc, bytes.data() + 12, 4);
    std::memcpy(&state_crc, bytes.data() + 16, 4);
    std::memcpy(&meta_length, bytes.data() + 20, 8);
    std::memcpy(&state_length, bytes.data() + 28, 8);
    if (version != kCheckpointFormatVersion) {
        why = "format version " + std::to_string(version) + ", this tote reads version " +
              std::to_string(kCheckpointFormatVersion);
        return std::nullopt;
    }
    const uint64_t body = bytes.size() - kHeaderBytes;
    if (meta_length > body || state_length != body - meta_length) {
        why = "cut short or overlong: " + std::to_string(body) + " bytes after the header, " +
              "the header says " + std::to_string(meta_length) + " + " +
              std::to_string(state_length);
        return std::nullopt;
    }
    const std::string_view meta = std::string_view(bytes).substr(kHeaderBytes, meta_length);
    const std::string_view state = std::string_view(bytes).substr(kHeaderBytes + meta_length);
    if (crc32c(meta) != meta_crc || crc32c(state) != state_crc) {
        why = "checksum mismatch (the file is damaged)";
        return std::nullopt;
    }
    Checkpoint cp;
    try {
        StateReader r(meta, path.string());
        r(cp.meta.position.next_offset, cp.meta.position.byte_position, cp.meta.records_fed,
          cp.meta.fingerprint);
        r.expect_end();
        cp.state.assign(state);
    } catch (const ToteError& e) {
        why = e.what();
        return std::nullopt;
    }
    cp.path = path;
    cp.file_bytes = bytes.size();
    return cp;
}

}  // namespace tote
