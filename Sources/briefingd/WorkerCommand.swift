import ArgumentParser
import BriefingIngest

/// `briefingd worker`: started by the daemon itself, never by hand. Extracts the inputs the daemon
/// sends over standard input under the given limits (see ``ExtractionWorker``).
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extraction worker process started by `briefingd run` (internal).",
        shouldDisplay: false)

    @Option(help: "Process id of the daemon; the worker exits when it is not its parent.")
    var parent: Int32

    @Option(help: "Address-space limit in bytes.")
    var maxMemory: Int

    @Option(help: "Largest input in bytes.")
    var maxInputBytes: Int

    func run() throws {
        MallocTuning.returnLargeBlocks()
        let status = ExtractionWorker.run(
            parent: parent, maxMemoryBytes: maxMemory, maxInputBytes: maxInputBytes)
        if status != 0 { throw ExitCode(status) }
    }
}
