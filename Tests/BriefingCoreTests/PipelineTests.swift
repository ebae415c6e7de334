import BriefingCore
import Testing

@Test func sha256OfKnownInputs() {
    #expect(SHA256Digest.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256Digest.hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256Digest.hex(of: "新闻发布会") == SHA256Digest.hex(of: Array("新闻发布会".utf8)))
}

@Test func timestampFormatsUTCWithMilliseconds() {
    let t = Timestamp(millisecondsSinceEpoch: 1_796_530_202_123)
    #expect(t.rfc3339 == "2026-12-06T04:10:02.123Z")
    #expect(t.compact == "20261206T041002Z")
}
