#include "simulate/json_text.h"

#include <charconv>

#include "core/error.h"

namespace tote {

void append_int(std::string& out, int64_t v) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

namespace {

void put2(std::string& out, unsigned v) {
    out.push_back(static_cast<char>('0' + v / 10));
    out.push_back(static_cast<char>('0' + v % 10));
}

void put_date(std::string& out, int64_t days) {
    int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    char buf[8];
    unsigned yy = static_cast<unsigned>(y);
    buf[0] = static_cast<char>('0' + yy / 1000 % 10);
    buf[1] = static_cast<char>('0' + yy / 100 % 10);
    buf[2] = static_cast<char>('0' + yy / 10 % 10);
    buf[3] = static_cast<char>('0' + yy % 10);
    out.append(buf, 4);
    out.push_back('-');
    put2(out, m);
    out.push_back('-');
    put2(out, d);
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

void append_timestamp(std::string& out, int64_t epoch_us) {
    int64_t days = floor_div(epoch_us, kMicrosPerDay);
    int64_t rem = epoch_us - days * kMicrosPerDay;
    put_date(out, days);
    out.push_back('T');
    int64_t secs = rem / kMicrosPerSecond;
    int64_t micros = rem % kMicrosPerSecond;
    put2(out, static_cast<unsigned>(secs / 3600));
    out.push_back(':');
    put2(out, static_cast<unsigned>(secs / 60 % 60));
    out.push_back(':');
    put2(out, static_cast<unsigned>(secs % 60));
    out.push_back('.');
    char buf[6];
    for (int i = 5; i >= 0; --i) {
        buf[i] = static_cast<char>('0' + micros % 10);
        micros /= 10;
    }
    out.append(buf, 6);
    out.push_back('Z');
}

void append_date(std::string& out, int64_t epoch_days) {
    put_date(out, epoch_days);
}

void append_decimal(std::string& out, int64_t unscaled, int scale) {
    uint64_t mag =
        unscaled < 0 ? 0 - static_cast<uint64_t>(unscaled) : static_cast<uint64_t>(unscaled);
    if (unscaled < 0) out.push_back('-');
    char digits[24];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + mag % 10);
        mag /= 10;
    } while (mag != 0);
    while (n <= scale) digits[n++] = '0';
    for (int i = n - 1; i >= 0; --i) {
        out.push_back(digits[i]);
        if (i == scale && scale > 0) out.push_back('.');
    }
}

void append_decimal_base64(std::string& out, int64_t unscaled) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<unsigned char>(static_cast<uint64_t>(unscaled) >> (56 - 8 * i));
    // Minimal two's-complement: drop leading bytes that only repeat the sign.
    int start = 0;
    while (start < 7) {
        bool redundant = (bytes[start] == 0x00 && (bytes[start + 1] & 0x80) == 0) ||
                         (bytes[start] == 0xFF && (bytes[start + 1] & 0x80) != 0);
        if (!redundant) break;
        ++start;
    }
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int len = 8 - start;
    const unsigned char* p = bytes + start;
    for (int i = 0; i < len; i += 3) {
        uint32_t chunk = static_cast<uint32_t>(p[i]) << 16;
        if (i + 1 < len) chunk |= static_cast<uint32_t>(p[i + 1]) << 8;
        if (i + 2 < len) chunk |= p[i + 2];
        out.push_back(alphabet[(chunk >> 18) & 63]);
        out.push_back(alphabet[(chunk >> 12) & 63]);
        out.push_back(i + 1 < len ? alphabet[(chunk >> 6) & 63] : '=');
        out.push_back(i + 2 < len ? alphabet[chunk & 63] : '=');
    }
}

int64_t parse_timestamp_us(std::string_view t) {
    auto fail = [&]() -> int64_t {
        throw ToteError(ErrorClass::Fatal, "bad timestamp '" + std::string(t) +
                                               "': expected YYYY-MM-DDTHH:MM:SS[.ffffff]Z (UTC)");
    };
    auto num = [&](size_t pos, size_t len) -> int64_t {
        if (pos + len > t.size()) fail();
        int64_t v = 0;
        for (size_t i = pos; i < pos + len; ++i) {
            if (t[i] < '0' || t[i] > '9') fail();
            v = v * 10 + (t[i] - '0');
        }
        return v;
    };
    if (t.size() < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':')
        return fail();
    int64_t y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
            s = num(17, 2);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return fail();
    int64_t micros = 0;
    size_t pos = 19;
    if (t[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
            if (digits == 6) return fail();
            micros = micros * 10 + (t[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return fail();
        for (; digits < 6; ++digits) micros *= 10;
    }
    if (pos + 1 != t.size() || t[pos] != 'Z') return fail();
    int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return days * kMicrosPerDay + (h * 3600 + mi * 60 + s) * kMicrosPerSecond + micros;
}

}  // namespace tote
