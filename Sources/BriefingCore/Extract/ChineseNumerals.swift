// Chinese numerals (`三十`, `两`, `一千二百`, `百万`) to exact integers.

enum ChineseNumerals {
    /// Value of a digit character (`〇零一二两三…九`), or nil.
    @inline(__always) static func digitValue(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "〇", "零": 0
        case "一": 1
        case "二", "两", "兩": 2
        case "三": 3
        case "四": 4
        case "五": 5
        case "六": 6
        case "七": 7
        case "八": 8
        case "九": 9
        default: nil
        }
    }

    /// Value of a power character (`十百千万亿`), or nil.
    @inline(__always) static func powerValue(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "十", "拾": 10
        case "百", "佰": 100
        case "千", "仟": 1000
        case "万", "萬": 10000
        case "亿", "億": 100_000_000
        default: nil
        }
    }

    @inline(__always) static func isNumeral(_ c: Unicode.Scalar) -> Bool {
        digitValue(c) != nil || powerValue(c) != nil
    }

    /// Parses the numeral characters in `r`; nil when they do not form a number (`二二`) or the
    /// number is too large to be a statement (`亿亿亿亿亿`).
    static func value(_ t: ScalarText, _ r: Range<Int>) -> Int? {
        var total = 0  // completed 亿 and 万 sections
        var section = 0  // below 万
        var digit: Int? = nil
        var digitsInRow = 0
        for i in r {
            let c = t[i]
            if let d = digitValue(c) {
                if digitsInRow > 0 { return nil }
                digit = d
                digitsInRow += 1
            } else if let p = powerValue(c) {
                digitsInRow = 0
                if p == 100_000_000 {
                    // `三万亿`: 亿 multiplies everything before it.
                    total += section + (digit ?? 0)
                    let (product, overflow) = max(total, 1).multipliedReportingOverflow(by: p)
                    guard !overflow, product < 1 << 53 else { return nil }
                    total = product
                    section = 0
                } else if p == 10000 {
                    section += digit ?? 0
                    total += max(section, 1) * p
                    guard total < 1 << 53 else { return nil }
                    section = 0
                } else {
                    section += (digit ?? 1) * p
                }
                digit = nil
            } else {
                return nil
            }
        }
        return total + section + (digit ?? 0)
    }
}
