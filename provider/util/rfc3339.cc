// RFC 3339 date-times without the C library's time functions: plain proleptic Gregorian arithmetic,
// so no time zone state and no time_t range is involved.
#include "provider/util/rfc3339.h"

#include <cstdio>

namespace adbjit {
namespace {

// Exactly `n` decimal digits at s[pos].
std::optional<int> Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool IsLeap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0);
}

// Floor division by a positive divisor, and its remainder (0 <= remainder < divisor). Nothing is
// multiplied back, so it holds for every int64, INT64_MIN included.
struct FloorDivision {
  int64_t quotient;
  int64_t remainder;
};
FloorDivision FloorDivide(int64_t value, int64_t divisor) {
  FloorDivision d{value / divisor, value % divisor};
  if (d.remainder < 0) {
    d.remainder += divisor;
    --d.quotient;
  }
  return d;
}

// Days since 1970-01-01 of a civil date. Years are counted from March, so that the leap day is the
// last day of its year and the month lengths before it repeat in a fixed 153-day pattern.
int64_t DaysFromCivil(int64_t year, int month, int day) {
  const auto [era, year_of_era] = FloorDivide(month <= 2 ? year - 1 : year, 400);  // year_of_era: 0..399
  const int64_t month_from_march = month > 2 ? month - 3 : month + 9;               // 0..11
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;           // 0..365
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468: days from 0000-03-01 to 1970-01-01
}

struct Civil {
  int64_t year;
  int month;
  int day;
};

// The inverse of DaysFromCivil.
Civil CivilFromDays(int64_t days) {
  const auto [era, day_of_era] = FloorDivide(days + 719468, 146097);  // day_of_era: 0..146096
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // 0..365
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;                                         // 0..11
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  return Civil{year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

}  // namespace

std::optional<int64_t> ParseRfc3339(std::string_view s) {
  auto year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
  auto hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  // RFC 3339 (5.6) allows "t" and "z" in lower case.
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  if (*day < 1 || *day > DaysInMonth(*year, *month)) return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    const size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  int64_t offset_seconds = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    if (pos + 1 != s.size()) return std::nullopt;
  } else {
    if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
    auto oh = Digits(s, pos + 1, 2), om = Digits(s, pos + 4, 2);
    if (!oh || !om || s[pos + 3] != ':' || pos + 6 != s.size() || *oh > 23 || *om > 59) return std::nullopt;
    offset_seconds = (s[pos] == '+' ? 1 : -1) * (int64_t{*oh} * 3600 + int64_t{*om} * 60);
  }
  const int64_t local = DaysFromCivil(*year, *month, *day) * 86400 + int64_t{*hour} * 3600 +
                        int64_t{*minute} * 60 + *second;
  return local - offset_seconds;
}

std::string FormatRfc3339(int64_t epoch_seconds) {
  const auto [days, second_of_day] = FloorDivide(epoch_seconds, 86400);
  const Civil date = CivilFromDays(days);
  char buf[64];  // the longest, for INT64_MIN, is 29 characters: year -292277022657
  (void)std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02lld:%02lld:%02lldZ",
                      static_cast<long long>(date.year), date.month, date.day,
                      static_cast<long long>(second_of_day / 3600), static_cast<long long>(second_of_day / 60 % 60),
                      static_cast<long long>(second_of_day % 60));
  return buf;
}

}  // namespace adbjit
