import BriefingCore
import Testing

@Test func sha256OfEmptyInput() {
    #expect(SHA256Digest.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
}

@Test func timestampFormatsUTCWithMilliseconds() {
    let t = Timestamp(millisecondsSinceEpoch: 1_796_530_202_123)
    #expect(t.rfc3339 == "2026-12-06T04:10:02.123Z")
    #expect(t.compact == "20261206T041002Z")
}
