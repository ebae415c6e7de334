import Foundation

// Runs scripts/bench_python_alternative.py, the pipeline a user would write in Python instead, on
// the very same bytes (each form written to a temp file), and reads its JSON from stdout.

enum PythonAlternative {
    /// Either the figures, or why there are none (missing python3, missing packages, a crash).
    static func run(script: String, inputs: [BenchInput], timing: StageTiming) -> Result<
        PythonFigures, BenchError
    > {
        guard FileManager.default.fileExists(atPath: script) else {
            return .failure(BenchError("\(script) not found"))
        }
        let directory: String
        do {
            directory = try FileIO.makeTemporaryDirectory(prefix: "briefingd-bench-py")
            for input in inputs { try FileIO.write(input.bytes, to: directory + "/" + input.fileName) }
        } catch {
            return .failure(error)
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var arguments = [script, "--min-seconds", "\(timing.minSeconds)", "--runs", "\(timing.runs)"]
        for input in inputs { arguments += ["--input", "\(input.label)=\(directory)/\(input.fileName)"] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            return .failure(BenchError("cannot run python3: \(error)"))
        }
        // Read before waiting: a full pipe would block the child forever.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        struct Failure: Decodable { var error: String }
        if let failure = try? JSONDecoder().decode(Failure.self, from: output) {
            return .failure(BenchError(failure.error))
        }
        guard process.terminationStatus == 0 else {
            let reason = errors.split(separator: "\n").last.map(String.init) ?? "no message"
            return .failure(BenchError("python3 exited with status \(process.terminationStatus): \(reason)"))
        }
        do {
            return .success(try JSONDecoder().decode(PythonFigures.self, from: output))
        } catch {
            return .failure(BenchError("unreadable output from the Python script: \(error)"))
        }
    }
}
