import BriefingCore
import Foundation

// What the daemon and a `briefingd worker` process say to each other over a pair of pipes.
//
// Every message is one frame: a 4-byte little-endian header length, a 4-byte little-endian body
// length, the header (a small JSON object) and the body (raw bytes). A request's body is the
// input's bytes; a reply's body is the snapshot document's JSON. One request is in flight per
// worker at a time, so a limit the worker passes is charged to exactly one input.

/// What a worker needs to turn one input into a snapshot.
struct WorkerRequest: Codable, Sendable, Equatable {
    var fileName: String?
    var declaredCharset: String?
    var contentType: String?
    /// Publication date of the feed item that linked a fetched page, in ms since the epoch.
    var feedItemDateMilliseconds: Int64? = nil
    var source: Source
    var ingestedAtMilliseconds: Int64
    var maxReplacementRatio: Double
    var maxTextCharacters: Int
    var maxPDFPages: Int = PDFLimits.defaultMaxPages
    /// Largest snapshot document the worker may send back.
    var maxOutputBytes: Int
    /// CPU seconds the input may use, armed by the worker before it starts on the input.
    var maxSeconds: Int

    var options: PipelineOptions {
        PipelineOptions(
            maxReplacementRatio: maxReplacementRatio, maxTextCharacters: maxTextCharacters,
            pdf: PDFLimits(maxPages: maxPDFPages))
    }

    var hints: DecodeHints {
        DecodeHints(
            fileName: fileName, declaredCharset: declaredCharset, contentType: contentType,
            feedItemDate: feedItemDateMilliseconds.map(Timestamp.init(millisecondsSinceEpoch:)))
    }
}

/// A worker's answer: a snapshot (its id, decoder notes, JSON in the body) or why there is none.
struct WorkerReply: Codable, Sendable, Equatable {
    /// The snapshot's content id when the input became one.
    var id: String?
    var notes: [String] = []
    /// `failed/` reason code and detail when the input cannot become a snapshot.
    var code: String?
    var detail: String?
}

/// One frame as read from a pipe.
struct WorkerFrame: Sendable {
    var header: [UInt8]
    var body: [UInt8]

    static let prefixLength = 8
    /// Largest header either side accepts: headers hold names, URLs and notes, never content.
    static let maxHeaderBytes = 1 << 20

    static func encode(header: [UInt8], body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(prefixLength + header.count + body.count)
        appendLength(UInt32(header.count), to: &out)
        appendLength(UInt32(body.count), to: &out)
        out += header
        out += body
        return out
    }

    static func encode<H: Encodable>(_ header: H, body: [UInt8]) -> [UInt8] {
        // Encoding these plain structs cannot fail; an empty header would be refused by the reader.
        let json = (try? JSONEncoder().encode(header)).map { [UInt8]($0) } ?? []
        return encode(header: json, body: body)
    }

    /// Header and body lengths from the 8-byte prefix.
    static func lengths(_ prefix: [UInt8]) -> (header: Int, body: Int) {
        func u32(_ at: Int) -> Int {
            Int(prefix[at]) | Int(prefix[at + 1]) << 8 | Int(prefix[at + 2]) << 16 | Int(prefix[at + 3]) << 24
        }
        return (u32(0), u32(4))
    }

    private static func appendLength(_ value: UInt32, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    func decodeHeader<H: Decodable>(_ type: H.Type) -> H? {
        try? JSONDecoder().decode(type, from: Data(header))
    }
}

/// Blocking whole-buffer reads and writes on a pipe, retried on EINTR.
enum PipeIO {
    /// Writes all of `bytes`; false when the other end is gone.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    /// Reads exactly `count` bytes; nil at end of file or on an error.
    static func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            offset += n
        }
        return bytes
    }

    /// Reads one frame; nil at end of file, on an error, or when the header is implausibly large.
    static func readFrame(_ fd: Int32, maxBody: Int) -> WorkerFrame? {
        guard let prefix = readExactly(fd, WorkerFrame.prefixLength) else { return nil }
        let (headerLength, bodyLength) = WorkerFrame.lengths(prefix)
        guard headerLength <= WorkerFrame.maxHeaderBytes, bodyLength <= maxBody,
            let header = readExactly(fd, headerLength), let body = readExactly(fd, bodyLength)
        else { return nil }
        return WorkerFrame(header: header, body: body)
    }
}
