// Changes against a basis (`同比下降19.27％`, `比上年同期减少626起`, `增加24.5万起`), each linked to
// the figure it qualifies: the last figure before it in the same sentence that is not itself
// part of a change.

enum Changes {
    private static func word(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }

    /// Basis words, longest first.
    static let bases: [([Unicode.Scalar], Change.Basis)] = [
        ("与上年同期相比", Change.Basis.yearOnYear), ("與上年同期相比", .yearOnYear), ("与去年同期相比", .yearOnYear),
        ("与上年同期", .yearOnYear), ("與上年同期", .yearOnYear), ("与去年同期", .yearOnYear), ("與去年同期", .yearOnYear),
        ("比上年同期", .yearOnYear), ("较上年同期", .yearOnYear), ("較上年同期", .yearOnYear), ("比去年同期", .yearOnYear),
        ("较去年同期", .yearOnYear), ("較去年同期", .yearOnYear), ("比上年", .yearOnYear), ("较上年", .yearOnYear),
        ("比去年", .yearOnYear), ("较去年", .yearOnYear), ("較去年", .yearOnYear), ("按年", .yearOnYear),
        ("与上年", .yearOnYear), ("与去年", .yearOnYear), ("與去年", .yearOnYear),
        ("同比", .yearOnYear), ("环比", .periodOnPeriod), ("環比", .periodOnPeriod), ("比上月", .periodOnPeriod),
        ("较上月", .periodOnPeriod), ("比上季度", .periodOnPeriod), ("按月", .periodOnPeriod),
    ].map { (word($0.0), $0.1) }

    /// First characters of the basis words: a cheap test before trying each of them.
    static let basisInitials = Set(bases.map { $0.0[0] })

    static let directions: [([Unicode.Scalar], Change.Direction)] = [
        ("下降", Change.Direction.down), ("减少", .down), ("減少", .down), ("降低", .down), ("回落", .down),
        ("下滑", .down), ("下跌", .down), ("增长", .up), ("增長", .up), ("增加", .up), ("上升", .up), ("上涨", .up),
        ("上漲", .up), ("提高", .up), ("提升", .up), ("持平", .flat), ("增", .up), ("降", .down), ("减", .down),
        ("減", .down), ("升", .up),
    ].map { (word($0.0), $0.1) }

    static func scan(_ t: ScalarText, figures: [RawFigure]) -> [(change: RawChange, figureIndex: Int)] {
        var out: [(RawChange, Int)] = []
        var index: SentenceBases?
        for (k, f) in figures.enumerated() {
            // The direction word right before the figure (`减少626起`), then an optional basis.
            var s = f.range.lowerBound
            if t.at(s - 1) == "了" { s -= 1 }
            guard let dir = directions.first(where: { t.matches($0.0, endingAt: s) }) else { continue }
            s -= dir.0.count
            // Single characters (`增`, `降`) only right after a basis: `同比增21%`.
            var basis: Change.Basis? = nil
            if let b = bases.first(where: { t.matches($0.0, endingAt: s) }) {
                basis = b.1
                s -= b.0.count
            } else if dir.0.count == 1 {
                continue
            }
            out.append(
                (
                    RawChange(
                        range: s..<f.range.upperBound, direction: dir.1,
                        basis: basis ?? implied(t, around: s, index: &index)), k
                ))
        }
        return out
    }

    private static let flatWord: [Unicode.Scalar] = ["持", "平"]
    private static let roughly: [Unicode.Scalar] = ["基", "本"]

    /// `同比持平`, `与上年基本持平`: no change, stated without a number.
    static func flats(_ t: ScalarText) -> [RawChange] {
        var out: [RawChange] = []
        var i = 1
        let n = t.count
        while i + 1 < n {
            // Most text has no 持: find the next one with a tight search over the scalars.
            guard let k = t.s[i..<n - 1].firstIndex(of: "持") else { break }
            i = k
            if t[i + 1] == "平" {
                var s = i
                if t.matches(roughly, endingAt: s) { s -= roughly.count }
                if let b = bases.first(where: { t.matches($0.0, endingAt: s) }) {
                    out.append(RawChange(range: s - b.0.count..<i + 2, direction: .flat, basis: b.1))
                }
                i += 2
            } else {
                i += 1
            }
        }
        return out
    }

    private static func implied(_ t: ScalarText, around i: Int, index: inout SentenceBases?) -> Change.Basis {
        if index == nil { index = SentenceBases(t) }
        return index?.basis(around: i, count: t.count) ?? .other
    }

    /// How far a change looks for the basis its sentence names, each way.
    static let impliedReach = 200

    /// Where sentences end and basis words start, found in one pass, so that the basis implied
    /// at a position is two binary searches away (text dense with changes stays fast).
    struct SentenceBases {
        private var ends: [Int] = []
        private var starts: [Int] = []
        private var kinds: [Change.Basis] = []

        init(_ t: ScalarText) {
            for k in 0..<t.count {
                let c = t[k]
                if Scalars.endsSentence(c) {
                    ends.append(k)
                } else if basisInitials.contains(c),
                    let basis = bases.first(where: { t.matches($0.0, at: k) })
                {
                    starts.append(k)
                    kinds.append(basis.1)
                }
            }
        }

        /// The first basis named in the sentence around `i`, no further than `impliedReach`.
        func basis(around i: Int, count: Int) -> Change.Basis {
            let e = Self.firstIndex(ends, atOrAfter: i)
            let a = max(max(0, i - impliedReach), e > 0 ? ends[e - 1] + 1 : 0)
            let b = min(min(count, i + impliedReach), e < ends.count ? ends[e] : count)
            let k = Self.firstIndex(starts, atOrAfter: a)
            return k < starts.count && starts[k] < b ? kinds[k] : .other
        }

        private static func firstIndex(_ sorted: [Int], atOrAfter position: Int) -> Int {
            var lo = 0
            var hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < position { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    /// `增加24.5万起，同比增加9.3％`: a change without a basis takes the one its sentence names
    /// (the scan ``SentenceBases`` replaces; kept as the reference it is tested against).
    static func impliedBasis(_ t: ScalarText, around i: Int) -> Change.Basis {
        // Within its sentence, and no further than a long sentence reaches (keeps the scan linear).
        var a = i
        while a > max(0, i - 200), !Scalars.endsSentence(t[a - 1]) { a -= 1 }
        var b = i
        while b < min(t.count, i + 200), !Scalars.endsSentence(t[b]) { b += 1 }
        var k = a
        while k < b {
            if basisInitials.contains(t[k]), let basis = bases.first(where: { t.matches($0.0, at: k) }) {
                return basis.1
            }
            k += 1
        }
        return .other
    }
}

struct RawChange {
    var range: Range<Int>
    var direction: Change.Direction
    var basis: Change.Basis
}
