import ArgumentParser
import BriefingCore
import BriefingIngest
import Foundation

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Decode, normalize and extract files; print each snapshot document to stdout. Writes nothing.")

    @Flag(help: "Indent the JSON.")
    var pretty = false

    @Argument(help: "Files to read, or - for standard input.")
    var files: [String]

    func run() throws {
        MallocTuning.returnLargeBlocks()
        var failures = 0
        for file in files {
            do {
                let document = try Self.snapshot(of: file)
                var json = document.jsonBytes(pretty: pretty)
                json.append(0x0A)
                // Written from the array itself: a snapshot's JSON can be tens of megabytes.
                json.withUnsafeMutableBytes { buffer in
                    guard let base = buffer.baseAddress else { return }
                    FileHandle.standardOutput.write(
                        Data(bytesNoCopy: base, count: buffer.count, deallocator: .none))
                }
            } catch {
                FileHandle.standardError.write(Data("briefingd: \(file): \(error)\n".utf8))
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    /// The snapshot the daemon would write for this file, with the same hints and limits.
    static func snapshot(of file: String) throws -> Snapshot {
        let limit = InboxConfig.defaultMaxBytes
        let bytes: [UInt8]
        if file == "-" {
            bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            if bytes.count > limit { throw InputError.tooLarge(bytes: bytes.count, limit: limit) }
        } else {
            do throws(FileSystem.ReadError) {
                bytes = try FileSystem.readRegularFile(file, limit: limit)
            } catch {
                switch error {
                case .tooLarge(let size): throw InputError.tooLarge(bytes: size, limit: limit)
                case .notRegular(let type): throw ValidationError("not a regular file but a \(type)")
                case .symlink: throw ValidationError("a symbolic link; name the file itself")
                case .io(let error): throw error
                }
            }
        }
        let name = file == "-" ? nil : (file as NSString).lastPathComponent
        return try BriefingPipeline.process(
            bytes, hints: DecodeHints(fileName: name), source: .file(file), ingestedAt: .now(),
            options: PipelineOptions())
    }
}
