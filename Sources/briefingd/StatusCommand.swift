import ArgumentParser
import BriefingIngest
import Foundation

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show per-source poll status and inbox counts (safe while the daemon runs).")

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        let config = try ConfigLoader.load(path: options.path)
        let report = try StatusReport.read(config: config)
        print(json ? report.json() : report.text())
    }
}
