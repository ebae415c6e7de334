// Exact decimal arithmetic for figures: `1095.1万` is 10951 × 10^3, never 1095.1 × 10000 in
// binary floating point (which gives 10950999.999…).

/// `mantissa × 10^exponent`, exact.
struct DecimalValue: Equatable {
    var mantissa: Int
    var exponent: Int

    /// Multiplies by a power of ten.
    func scaled(by power: Int) -> DecimalValue {
        DecimalValue(mantissa: mantissa, exponent: exponent + power)
    }

    /// The value plus one half (`一年半`, `1年半`).
    var plusHalf: DecimalValue {
        let e = min(exponent, -1)
        var m = mantissa
        for _ in 0..<(exponent - e) { m *= 10 }
        var half = 5
        for _ in 0..<(-1 - e) { half *= 10 }
        return DecimalValue(mantissa: m + half, exponent: e)
    }

    /// The nearest Double: one correctly rounded operation on exact operands.
    var double: Double {
        if exponent >= 0 { return Double(mantissa) * DecimalValue.powers[min(exponent, 22)] }
        return Double(mantissa) / DecimalValue.powers[min(-exponent, 22)]
    }

    /// 10^0 … 10^22, all exact in a Double.
    static let powers: [Double] = {
        var p: [Double] = [1]
        for _ in 1...22 { p.append(p[p.count - 1] * 10) }
        return p
    }()

    /// Power of ten of a multiplier character (`十百千万亿`), or nil.
    @inline(__always) static func multiplierPower(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "十": 1
        case "百": 2
        case "千": 3
        case "万", "萬": 4
        case "亿", "億": 8
        default: nil
        }
    }
}

enum ArabicNumber {
    /// Parses `6100`, `1,234.5`, `４.５` at `i`: the value and where the number ends.
    static func parse(_ t: ScalarText, at i: Int) -> (DecimalValue, Int)? {
        var mantissa = 0
        var exponent = 0
        var j = i
        var digits = 0
        var seenDot = false
        // Digits since the last thousands separator, and which separator the number uses.
        var group = 0
        var separator: Unicode.Scalar? = nil
        while j < t.count {
            let c = t[j]
            if let d = Scalars.digit(c) {
                guard digits < 17 else { return nil }
                mantissa = mantissa * 10 + d
                digits += 1
                if seenDot { exponent -= 1 }
                group += 1
                j += 1
            } else if c == "," && !seenDot && digits > 0 && groupOfThree(t, at: j + 1) && separator != " " {
                // Thousands separator: exactly three digits follow. The Chinese comma `，` never is one.
                separator = ","
                group = 0
                j += 1
            } else if isGroupSpace(c), !seenDot, separator != ",", group >= 1, group <= 3,
                separator == nil ? digits == group : group == 3, groupOfThree(t, at: j + 1)
            {
                // `3 000`, `1 200`: Hong Kong and SI pages group thousands with a space.
                separator = " "
                group = 0
                j += 1
            } else if (c == "." || c == "．") && !seenDot && Scalars.isDigit(t.at(j + 1)) {
                seenDot = true
                j += 1
            } else {
                break
            }
        }
        guard digits > 0 else { return nil }
        return (DecimalValue(mantissa: mantissa, exponent: exponent), j)
    }

    @inline(__always) private static func isGroupSpace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\u{00A0}" || c == "\u{2009}" || c == "\u{202F}"
    }

    private static func groupOfThree(_ t: ScalarText, at k: Int) -> Bool {
        Scalars.isDigit(t.at(k)) && Scalars.isDigit(t.at(k + 1)) && Scalars.isDigit(t.at(k + 2))
            && !Scalars.isDigit(t.at(k + 3))
    }
}
