import BriefingCore
import Testing

// Input that cannot become a snapshot gets a clear error, never a broken text.

private func error(_ bytes: [UInt8], hints: DecodeHints = DecodeHints()) -> InputError? {
    do {
        _ = try InputDecoder.decode(bytes, hints: hints)
        return nil
    } catch {
        return error
    }
}

@Test func emptyInputIsRefused() {
    #expect(error([]) == .empty)
}

@Test(arguments: [[UInt8]([0xEF, 0xBB, 0xBF]), [0xFF, 0xFE], [0xFE, 0xFF], [0x84, 0x31, 0x95, 0x33]])
func bomOnlyInputIsRefused(_ bytes: [UInt8]) {
    guard case .bomOnly = error(bytes) else {
        Issue.record("expected bomOnly for \(bytes)")
        return
    }
}

@Test(arguments: [UInt64(1), 2, 3, 4])
func randomBytesAreRefused(seed: UInt64) {
    var random = SeededRandom(seed: seed)
    let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
    guard case .undecodable(let reason) = error(bytes) else {
        Issue.record("random bytes were decoded")
        return
    }
    #expect(!reason.isEmpty)
}

@Test func truncatedUTF16IsRefused() {
    var bytes = [UInt8]([0xFF, 0xFE]) + TestEncoding.encode("新闻发布会答记者问", as: "UTF-16LE")
    bytes.removeLast()
    guard case .truncated(let encoding, _) = error(bytes) else {
        Issue.record("truncated UTF-16 was decoded")
        return
    }
    #expect(encoding == "UTF-16LE")
    // Cut inside a surrogate pair (U+20000 is D840 DC00).
    let cut = [UInt8]([0xFF, 0xFE]) + TestEncoding.encode("新闻𠀀", as: "UTF-16LE").dropLast(2)
    guard case .truncated = error(Array(cut)) else {
        Issue.record("UTF-16 cut inside a surrogate pair was decoded")
        return
    }
}

@Test func zipThatIsNotADocxIsRefused() throws {
    guard case .invalidDocx = error([0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0x41, count: 200)) else {
        Issue.record("broken ZIP was accepted")
        return
    }
    let other = try DocumentBuilders.zip([("xl/workbook.xml", "<workbook/>")])
    guard case .invalidDocx(let reason) = error(other) else {
        Issue.record("a ZIP without word/document.xml was accepted")
        return
    }
    #expect(reason.contains("word/document.xml"))
}

@Test func htmlWithoutBodyTextIsRefused() {
    let page = """
        <!DOCTYPE html><html><head><title>发布会</title><script>var a = "很多文字";</script></head>
        <body><nav><a href="/">首页</a></nav><footer>版权所有</footer></body></html>
        """
    #expect(error(Array(page.utf8)) == .noText(format: .html))
}

@Test func legacyWordIsNamed() {
    guard case .unsupportedFormat(let what) = error([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0])
    else {
        Issue.record("OLE2 accepted")
        return
    }
    #expect(what.contains(".doc"))
}

@Test func everyErrorSaysWhatToDo() {
    let errors: [InputError] = [
        .empty, .bomOnly(encoding: "UTF-8"), .truncated(encoding: "UTF-16LE", reason: "odd number of bytes"),
        .undecodable(reason: "x"), .invalidDocx(reason: "x"), .noText(format: .html),
        .unsupportedFormat("a legacy Word .doc (OLE2) file"), .encrypted, .damagedPDF(reason: "x"),
        .noTextLayer(pages: 1, images: 1), .tooManyPages(pages: 501, limit: 500),
    ]
    for e in errors {
        #expect(e.description.count > 40)
        #expect(!e.code.contains(" "))
    }
}

@Test(arguments: [UInt64(5), 6])
func randomBytesWithoutNULsAreRefused(seed: UInt64) {
    var random = SeededRandom(seed: seed)
    let printable = (0..<4096).map { _ in UInt8.random(in: 1...255, using: &random) }
    let high = (0..<4096).map { _ in UInt8.random(in: 0x80...0xFF, using: &random) }
    for bytes in [printable, high] {
        guard case .undecodable = error(bytes) else {
            Issue.record("random bytes were decoded")
            continue
        }
    }
}
