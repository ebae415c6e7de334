import CZlib

// The .docx container: a ZIP archive, read in memory. The directory walk is ours and checks every
// offset and size against the bytes; zlib inflates the one entry we need, fed exactly that entry's
// compressed bytes and stopped at a size cap.
//
// Why not ZIPFoundation's reader (it is in the package and the tests use it to build archives):
// on damaged input, 0.9.20 traps on an out-of-range offset of an in-memory archive (the daemon
// dies) and loops forever when a deflate stream ends before its end marker (its provider returns
// empty chunks at end of file and the inflate loop waits for Z_STREAM_END). Both were found by the
// mutation test in DecodeRobustnessTests. zlib comes in through ZIPFoundation's own `CZlib` system
// module (Linux), so the package needs no second zlib target (one would clash with that name).

enum DocxArchive {
    /// word/document.xml larger than this is refused (a ZIP bomb or not a briefing).
    static let maxDocumentBytes = 64 * 1024 * 1024

    struct Entry {
        var name: [UInt8]
        var method: Int
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var dataStart: Int
    }

    static func documentXML(_ bytes: [UInt8]) throws(InputError) -> [UInt8] {
        let entries = try directory(bytes)
        let wanted = Array("word/document.xml".utf8)
        guard let entry = entries.first(where: { $0.name == wanted }) else {
            throw .invalidDocx(
                reason: "the ZIP archive has no word/document.xml, so it is not a Word document")
        }
        return try contents(of: entry, in: bytes)
    }

    // MARK: - Directory

    /// Every entry of the central directory, each checked to lie inside `bytes`.
    static func directory(_ bytes: [UInt8]) throws(InputError) -> [Entry] {
        let result: Result<[Entry], InputError> = bytes.withUnsafeBufferPointer { b in
            let n = b.count
            func u16(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
            func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
            func fail(_ why: String) -> Result<[Entry], InputError> {
                .failure(.invalidDocx(reason: "not a readable ZIP archive: \(why)"))
            }
            // End of central directory: the last signature within the 64 KB comment window.
            guard n >= 22 else { return fail("too short") }
            var eocd = n - 22
            let lowest = max(0, n - 22 - 0xFFFF)
            while eocd >= lowest && u32(eocd) != 0x0605_4B50 { eocd -= 1 }
            guard eocd >= lowest else { return fail("no end-of-central-directory record (cut off?)") }
            let count = u16(eocd + 10)
            let directorySize = u32(eocd + 12)
            let directoryOffset = u32(eocd + 16)
            guard count != 0xFFFF, directorySize != 0xFFFF_FFFF, directoryOffset != 0xFFFF_FFFF else {
                return fail("ZIP64 archives are not supported")
            }
            guard directoryOffset + directorySize <= eocd else {
                return fail("the central directory lies outside the file")
            }
            var entries: [Entry] = []
            var p = directoryOffset
            let directoryEnd = directoryOffset + directorySize
            for _ in 0..<count {
                guard p + 46 <= directoryEnd, u32(p) == 0x0201_4B50 else {
                    return fail("a damaged central directory")
                }
                let nameLength = u16(p + 28)
                let next = p + 46 + nameLength + u16(p + 30) + u16(p + 32)
                guard next <= directoryEnd else { return fail("a damaged central directory") }
                let compressed = u32(p + 20)
                let uncompressed = u32(p + 24)
                let local = u32(p + 42)
                guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, local != 0xFFFF_FFFF else {
                    return fail("ZIP64 archives are not supported")
                }
                guard local + 30 <= directoryOffset, u32(local) == 0x0403_4B50 else {
                    return fail("an entry's local header lies outside the file")
                }
                let dataStart = local + 30 + u16(local + 26) + u16(local + 28)
                guard dataStart + compressed <= directoryOffset else {
                    return fail("an entry's data lies outside the file")
                }
                entries.append(
                    Entry(
                        name: Array(b[(p + 46)..<(p + 46 + nameLength)]), method: u16(p + 10),
                        crc: UInt32(truncatingIfNeeded: u32(p + 16)), compressedSize: compressed,
                        uncompressedSize: uncompressed, dataStart: dataStart))
                p = next
            }
            return .success(entries)
        }
        return try result.get()
    }

    // MARK: - Contents

    /// The entry's bytes: stored, or inflated by zlib; the CRC-32 must match.
    static func contents(of entry: Entry, in bytes: [UInt8]) throws(InputError) -> [UInt8] {
        let name = String(decoding: entry.name, as: UTF8.self)
        let data: [UInt8]
        switch entry.method {
        case 0:
            data = Array(bytes[entry.dataStart..<(entry.dataStart + entry.compressedSize)])
        case 8:
            data = try inflate(bytes[entry.dataStart..<(entry.dataStart + entry.compressedSize)], name: name)
        default:
            throw .invalidDocx(
                reason: "\(name) uses compression method \(entry.method), which is not supported")
        }
        guard data.count <= maxDocumentBytes else {
            throw .invalidDocx(reason: "\(name) is larger than \(maxDocumentBytes) bytes")
        }
        let crc = data.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        guard UInt32(truncatingIfNeeded: crc) == entry.crc else {
            throw .invalidDocx(reason: "\(name) is damaged (checksum mismatch)")
        }
        return data
    }

    /// Raw deflate → bytes. zlib sees exactly the entry's compressed bytes, so a stream without its
    /// end marker ends in an error, not a wait.
    private static func inflate(_ compressed: ArraySlice<UInt8>, name: String) throws(InputError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            throw .invalidDocx(reason: "zlib could not start inflating \(name)")
        }
        defer { inflateEnd(&stream) }
        var input = Array(compressed)
        var output = [UInt8](repeating: 0, count: max(4096, min(compressed.count * 4, maxDocumentBytes)))
        var produced = 0
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            while status == Z_OK {
                if produced == output.count {
                    guard output.count < maxDocumentBytes + 1 else { break }
                    output.append(
                        contentsOf: repeatElement(
                            0, count: min(output.count, maxDocumentBytes + 1 - output.count)))
                }
                let before = (stream.avail_in, produced)
                output.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress! + produced
                    stream.avail_out = uInt(outBuf.count - produced)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced = outBuf.count - Int(stream.avail_out)
                }
                // No input used and no output made: the stream is cut off.
                if status == Z_BUF_ERROR || (stream.avail_in == before.0 && produced == before.1) { break }
            }
        }
        if produced > maxDocumentBytes {
            throw .invalidDocx(reason: "\(name) unpacks to more than \(maxDocumentBytes) bytes")
        }
        guard status == Z_STREAM_END else {
            throw .invalidDocx(reason: "\(name) is damaged (its compressed data is cut off or invalid)")
        }
        output.removeSubrange(produced...)
        return output
    }
}
