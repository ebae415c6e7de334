import BriefingCore
import Foundation
import TestSupport
import Testing

/// Names as they come: not UTF-8 (a GBK name copied from Windows), or as long as Linux allows.
@Suite(.serialized) struct InboxFileNameTests {
    /// 新闻 in GBK: D0C2 CEC5, which is not UTF-8.
    static let gbkName: [UInt8] = [0xD0, 0xC2, 0xCE, 0xC5] + Array(".txt".utf8)

    /// Puts `bytes` into the inbox under a name given as raw bytes (dotfile, then rename).
    static func drop(_ bytes: [UInt8], rawName: [UInt8], into daemon: DaemonProcess) throws {
        let temp = daemon.inbox + "/.raw-name.partial"
        try Data(bytes).write(to: URL(fileURLWithPath: temp))
        let target = Array((daemon.inbox + "/").utf8) + rawName
        let ok = temp.withCString { from in
            (target.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
                rename(from, $0.baseAddress!)
            }
        }
        guard ok == 0 else { throw DaemonError.io("rename to a raw name failed: errno \(errno)") }
    }

    /// The raw bytes of every name in a folder.
    static func rawNames(_ directory: String) -> [[UInt8]] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != Array(".".utf8) && name != Array("..".utf8) { names.append(name) }
        }
        return names
    }

    static func errorJSON(atRawPath path: [UInt8]) throws -> [String: Any] {
        let fd = open(path.map { CChar(bitPattern: $0) } + [0], O_RDONLY)
        guard fd >= 0 else { throw DaemonError.io("cannot open error file") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 65536)
        let n = read(fd, &bytes, bytes.count)
        let object = try JSONSerialization.jsonObject(with: Data(bytes[0..<max(0, n)]))
        return object as? [String: Any] ?? [:]
    }

    /// The pairing rule of docs/operating.md: NAME.error.json, or when that passes 255 bytes, the
    /// name cut to at most 220 bytes (whole characters), `~`, 16 hex digits of SHA-256(NAME), `.error.json`.
    static func errorFileName(for name: String) -> String {
        let plain = name + ".error.json"
        guard plain.utf8.count > 255 else { return plain }
        var prefix = ""
        for character in name {
            guard prefix.utf8.count + String(character).utf8.count <= 220 else { break }
            prefix.append(character)
        }
        return prefix + "~" + SHA256Digest.hex(of: Array(name.utf8)).prefix(16) + ".error.json"
    }

    @Test func nameThatIsNotUTF8IsTakenKeptAndLoggedEscaped() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        try Self.drop(try Paths.fixtureBytes(), rawName: Self.gbkName, into: daemon)
        // A failing input with a name that is not UTF-8 either: an empty file.
        let badName: [UInt8] = [0xB2, 0xE2, 0xCA, 0xD4] + Array(".txt".utf8)
        try Self.drop([], rawName: badName, into: daemon)

        #expect(
            waitUntil {
                daemon.events("snapshot_written").count == 1 && daemon.events("input_failed").count == 1
            })
        let written = try #require(daemon.events("snapshot_written").first)
        #expect(written["file"] as? String == "\\xD0\\xC2\\xCE\\xC5.txt")
        #expect(written["file_name_utf8"] as? Bool == false)
        let failed = try #require(daemon.events("input_failed").first)
        #expect(failed["file"] as? String == "\\xB2\\xE2\\xCA\\xD4.txt")
        #expect(failed["file_name_utf8"] as? Bool == false)

        // The original bytes on disk, in archive/DAY/ and in failed/ with the error file beside.
        let days = Self.rawNames(daemon.archive)
        #expect(days.count == 1)
        let day = String(decoding: days.first ?? [], as: UTF8.self)
        #expect(Self.rawNames(daemon.archive + "/" + day) == [Self.gbkName])
        #expect(Set(Self.rawNames(daemon.failed)) == [badName, badName + Array(".error.json".utf8)])
        let error = try Self.errorJSON(
            atRawPath: Array((daemon.failed + "/").utf8) + badName + Array(".error.json".utf8))
        #expect(error["file"] as? String == "\\xB2\\xE2\\xCA\\xD4.txt")
        #expect(error["error"] as? String == "empty_input")
        #expect(Self.rawNames(daemon.inbox).isEmpty)
        #expect(daemon.stop() == 0)
    }

    /// 240-255 byte names: the input keeps its reason; when NAME.error.json would pass 255 bytes
    /// the error file has the shortened name that still pairs with it, and a restart finds nothing
    /// to repair.
    @Test func longNamesKeepTheirReason() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        // ASCII and Chinese (3 bytes a character) names of 240, 245 and 255 bytes.
        let names = [
            String(repeating: "a", count: 236) + ".txt",
            String(repeating: "说", count: 80) + "12.md",
            String(repeating: "b", count: 251) + ".txt",
        ]
        #expect(names.map(\.utf8.count) == [240, 245, 255])
        for name in names { try Self.drop([], rawName: Array(name.utf8), into: daemon) }
        #expect(waitUntil { daemon.events("input_failed").count == names.count })
        // The same 255-byte name again: the copy in failed/ gets a suffix and still fits.
        try Self.drop([], rawName: Array(names[2].utf8), into: daemon)
        #expect(waitUntil { daemon.events("input_failed").count == names.count + 1 })
        #expect(daemon.events("move_to_failed_failed").isEmpty)

        let present = Set(try FileManager.default.contentsOfDirectory(atPath: daemon.failed))
        let inputs = present.filter { !$0.hasSuffix(".error.json") }
        let errorFiles = present.filter { $0.hasSuffix(".error.json") }
        #expect(inputs.count == names.count + 1)
        #expect(errorFiles.count == inputs.count)
        for input in inputs {
            #expect(input.utf8.count <= 255)
            let errorName = Self.errorFileName(for: input)
            #expect(errorName.utf8.count <= 255)
            #expect(errorFiles.contains(errorName), "no \(errorName)")
        }
        // Every error file names its input in full.
        var named = Set<String>()
        for errorName in errorFiles {
            let data = try #require(FileManager.default.contents(atPath: daemon.failed + "/" + errorName))
            let error = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            named.insert(try #require(error["file"] as? String))
        }
        #expect(named == Set(names))
        #expect(!filesUnder(daemon.failed).contains { $0.contains(".tmp-") })
        #expect(daemon.stop() == 0)

        // A restart pairs every input with its error file: nothing restored, nothing lost.
        try daemon.start()
        #expect(daemon.stop() == 0)
        #expect(daemon.events("failed_reason_lost").isEmpty)
        #expect(daemon.events("failed_reason_restored").isEmpty)
    }
}
