import ArgumentParser
import BriefingIngest
import BriefingStore
import Foundation
import Logging

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Create or upgrade the PostgreSQL schema of store.postgres (the daemon also does it at start).")

    @OptionGroup var options: ConfigOption

    func run() throws {
        let config: DaemonConfig
        do {
            config = try ConfigLoader.load(path: options.path)
        } catch {
            FileHandle.standardError.write(Data("briefingd: config \(options.path): \(error)\n".utf8))
            throw ExitCode(78)
        }
        guard let settings = config.store else {
            FileHandle.standardError.write(
                Data(
                    "briefingd: config \(options.path): store.postgres is not set; nothing to migrate\n".utf8)
            )
            throw ExitCode(78)
        }
        let logger = Logger(label: "briefingd")
        do {
            let applied = try SharedStore.runBlocking { () async throws(StoreError) in
                try await SharedStore.migrate(settings: settings, logger: logger)
            }
            print(
                applied.isEmpty
                    ? "schema briefingd at \(settings.displayURL) is up to date"
                    : "schema briefingd at \(settings.displayURL): applied \(applied.map(String.init).joined(separator: ", "))"
            )
        } catch {
            FileHandle.standardError.write(Data("briefingd: \(error)\n".utf8))
            throw ExitCode(error.isConfigProblem ? 78 : 69)
        }
    }
}
