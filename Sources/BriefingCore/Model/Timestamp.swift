/// A UTC instant with millisecond precision, formatted without Foundation's date formatters.
public struct Timestamp: Sendable, Equatable, Comparable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        a.millisecondsSinceEpoch < b.millisecondsSinceEpoch
    }

    /// Year, month and day in UTC.
    public var civilDate: CivilDate {
        let days = Int64((Double(millisecondsSinceEpoch) / 86_400_000).rounded(.down))
        return CivilDate(daysSinceEpoch: Int(days))
    }

    private var timeOfDay: (h: Int, m: Int, s: Int, ms: Int) {
        let msOfDay = Int(((millisecondsSinceEpoch % 86_400_000) + 86_400_000) % 86_400_000)
        return (msOfDay / 3_600_000, msOfDay / 60_000 % 60, msOfDay / 1000 % 60, msOfDay % 1000)
    }

    /// `2026-11-29T04:10:02.123Z`
    public var rfc3339: String {
        let t = timeOfDay
        return "\(civilDate.iso)T\(pad(t.h, 2)):\(pad(t.m, 2)):\(pad(t.s, 2)).\(pad(t.ms, 3))Z"
    }

    /// `20261129T041002Z`, as used in snapshot file names.
    public var compact: String {
        let d = civilDate
        let t = timeOfDay
        return
            "\(pad(d.year, 4))\(pad(d.month, 2))\(pad(d.day, 2))T\(pad(t.h, 2))\(pad(t.m, 2))\(pad(t.s, 2))Z"
    }
}

/// A calendar date (proleptic Gregorian).
public struct CivilDate: Sendable, Equatable, Comparable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// From days since 1970-01-01 (Howard Hinnant's civil_from_days).
    public init(daysSinceEpoch: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Number of days in `month` of `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var isValid: Bool {
        (1...12).contains(month) && day >= 1 && day <= Self.daysIn(month: month, year: year)
    }

    /// `YYYY-MM-DD`
    public var iso: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

@inline(__always)
func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
