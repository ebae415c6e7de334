import Foundation

/// Where the repository, the shared fixtures and the built daemon are.
public enum Paths {
    /// The repository root (this file is `<root>/Tests/TestSupport/Paths.swift`).
    public static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/fixtures` beside the repository, as laid out for developers and CI.
    public static let sharedFixtures = repository.deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures")

    /// The real briefing every test starts from.
    public static var fixtureBriefing: URL {
        sharedFixtures.appendingPathComponent("nmg-public-security-briefing.txt")
    }

    public static func fixtureBytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: fixtureBriefing)) }
    public static func fixtureText() throws -> String { String(decoding: try fixtureBytes(), as: UTF8.self) }

    /// The `briefingd` executable built beside the test bundle (`$BRIEFINGD_BIN` overrides).
    public static var daemonExecutable: String {
        if let bin = ProcessInfo.processInfo.environment["BRIEFINGD_BIN"] { return bin }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("briefingd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return repository.appendingPathComponent(".build/debug/briefingd").path
    }
}

/// A fresh folder under /tmp, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "briefingd-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func remove() { try? FileManager.default.removeItem(at: url) }

    public func file(_ relative: String) -> String { url.appendingPathComponent(relative).path }
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass; returns whether it held.
public func waitUntil(timeout: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// Files (not folders) under `path`, relative to it, sorted; `[]` when it does not exist.
public func filesUnder(_ path: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: path) else { return [] }
    var out: [String] = []
    while let item = e.nextObject() as? String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path + "/" + item, isDirectory: &isDir), !isDir.boolValue {
            out.append(item)
        }
    }
    return out.sorted()
}
