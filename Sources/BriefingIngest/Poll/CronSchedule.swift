import Foundation

/// A 5-field cron expression (`minute hour day-of-month month day-of-week`), evaluated in local time.
/// Supports `*`, lists `a,b`, ranges `a-b`, steps `*/n` and `a-b/n`; day-of-week 0–7 (0 and 7 are Sunday).
/// As in Vixie cron, when both day fields are restricted a day matching either one fires.
public struct CronSchedule: Sendable, Equatable {
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    public init?(_ expression: String) {
        let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5,
            let minutes = Self.field(fields[0], 0...59),
            let hours = Self.field(fields[1], 0...23),
            let dom = Self.field(fields[2], 1...31),
            let months = Self.field(fields[3], 1...12),
            var dow = Self.field(fields[4], 0...7)
        else { return nil }
        if dow.remove(7) != nil { dow.insert(0) }
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = dom
        self.months = months
        self.daysOfWeek = dow
        self.dayOfMonthRestricted = fields[2] != "*"
        self.dayOfWeekRestricted = fields[4] != "*"
    }

    private static func field(_ text: String, _ range: ClosedRange<Int>) -> Set<Int>? {
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return nil }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s > 0 else { return nil }
                step = s
            }
            let lo: Int
            let hi: Int
            if pieces[0] == "*" {
                (lo, hi) = (range.lowerBound, range.upperBound)
            } else if let dash = pieces[0].firstIndex(of: "-") {
                guard let a = Int(pieces[0][..<dash]),
                    let b = Int(pieces[0][pieces[0].index(after: dash)...]),
                    a <= b
                else { return nil }
                (lo, hi) = (a, b)
            } else {
                guard let a = Int(pieces[0]) else { return nil }
                (lo, hi) = (a, pieces.count == 2 ? range.upperBound : a)
            }
            guard range.contains(lo), range.contains(hi) else { return nil }
            values.formUnion(stride(from: lo, through: hi, by: step))
        }
        return values.isEmpty ? nil : values
    }

    /// The first minute strictly after `date` that matches, in `calendar`'s time zone (local by default).
    public func next(after date: Date, calendar: Calendar = .current) -> Date? {
        var t = Date(timeIntervalSince1970: ((date.timeIntervalSince1970 / 60).rounded(.down) + 1) * 60)
        // Minute steps over at most ~4 years cover every valid expression (Feb 29 included).
        let limit = date.addingTimeInterval(4 * 366 * 86_400)
        while t < limit {
            let c = calendar.dateComponents([.month, .day, .hour, .minute, .weekday], from: t)
            guard let month = c.month, let day = c.day, let hour = c.hour, let minute = c.minute,
                let weekday = c.weekday
            else { return nil }
            if !months.contains(month) {
                t = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: t)) ?? limit
                continue
            }
            let domOK = daysOfMonth.contains(day)
            let dowOK = daysOfWeek.contains(weekday - 1)
            let dayOK =
                dayOfMonthRestricted && dayOfWeekRestricted ? (domOK || dowOK) : (domOK && dowOK)
            if !dayOK {
                t = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: t)) ?? limit
                continue
            }
            if !hours.contains(hour) {
                t = calendar.date(byAdding: .minute, value: 60 - minute, to: t) ?? limit
                continue
            }
            if minutes.contains(minute) { return t }
            t = calendar.date(byAdding: .minute, value: 1, to: t) ?? limit
        }
        return nil
    }
}
