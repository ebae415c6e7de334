import Foundation

/// Runs `scripts/validate_snapshots.py` (the reference JSON Schema validator plus span checks) on
/// files; returns its output and whether every document was valid.
public func validateSnapshots(_ paths: [String]) throws -> (valid: Bool, output: String) {
    let script = Paths.repository.appendingPathComponent("scripts/validate_snapshots.py").path
    let result = try runTool("/usr/bin/env", ["python3", script] + paths)
    return (result.status == 0, result.output)
}

/// Runs a tool to its end; returns its status and its stdout and stderr together.
public func runTool(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Runs the built `briefingd` with `arguments`; returns exit status, stdout and stderr.
public func runBriefingd(_ arguments: [String], stdin: [UInt8]? = nil, currentDirectory: String? = nil) throws
    -> (
        status: Int32, stdout: String, stderr: String
    )
{
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Paths.daemonExecutable)
    p.arguments = arguments
    if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let input = Pipe()
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
    try input.fileHandleForWriting.close()
    // Read both pipes concurrently so a full stderr cannot block the child.
    let errData = LockedData()
    let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while !errData.done { usleep(1000) }
    return (
        p.terminationStatus, String(decoding: outData, as: UTF8.self),
        String(decoding: errData.data, as: UTF8.self)
    )
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()
    private var finished = false
    func set(_ d: Data) {
        lock.lock()
        stored = d
        finished = true
        lock.unlock()
    }
    var done: Bool {
        lock.lock()
        defer { lock.unlock() }
        return finished
    }
    var data: Data {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
