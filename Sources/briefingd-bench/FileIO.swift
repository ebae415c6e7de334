import Foundation
import Glibc

// Plain POSIX file helpers: the bench writes thousands of inbox files and polls files every
// millisecond, where Foundation's allocation-heavy APIs would perturb what is measured.

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }

    static func errno(_ what: String, _ path: String) -> BenchError {
        BenchError("\(what) \(path): \(String(cString: strerror(Glibc.errno)))")
    }
}

enum FileIO {
    static func write(_ bytes: [UInt8], to path: String) throws(BenchError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .errno("open", path) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .errno("write", path)
            }
            offset += n
        }
    }

    static func read(_ path: String) throws(BenchError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchError("cannot read \(path)")
        }
        return [UInt8](data)
    }

    static func rename(_ from: String, _ to: String) throws(BenchError) {
        guard Glibc.rename(from, to) == 0 else { throw .errno("rename", from) }
    }

    static func makeTemporaryDirectory(prefix: String) throws(BenchError) -> String {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .errno("mkdtemp", "/tmp/\(prefix)")
        }
        return String(cString: made)
    }

    static func makeDirectory(_ path: String) throws(BenchError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw BenchError("mkdir \(path): \(error)")
        }
    }
}

/// Counts complete lines appended to a file (optionally only those containing `needle`), reading
/// only what is new on each call: cheap enough to poll a growing manifest or log every millisecond.
final class AppendedLineCounter {
    let path: String
    private let needle: [UInt8]?
    private var fd: Int32 = -1
    private var partial: [UInt8] = []
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private(set) var count = 0

    init(path: String, containing needle: String? = nil) {
        self.path = path
        self.needle = needle.map { Array($0.utf8) }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Reads whatever was appended since the last call and returns the running count.
    @discardableResult
    func poll() -> Int {
        if fd < 0 {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { return count }
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            for byte in buffer[0..<n] {
                if byte == UInt8(ascii: "\n") {
                    if needle.map({ contains(partial, $0) }) ?? true { count += 1 }
                    partial.removeAll(keepingCapacity: true)
                } else if needle != nil {
                    partial.append(byte)
                }
            }
        }
        return count
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }
}
