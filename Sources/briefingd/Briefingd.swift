import ArgumentParser
import BriefingIngest

@main
struct Briefingd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "briefingd",
        abstract: "Turns press-briefing transcripts into structured JSON snapshots.",
        discussion: """
            Polls configured URLs and watches a drop folder; every briefing becomes a dated JSON
            snapshot (see the contract in the README). Config: --config, else $BRIEFINGD_CONFIG,
            else Config/briefingd.yaml.
            """,
        version: BriefingdVersion.current,
        subcommands: [Run.self, Extract.self, CheckConfig.self, Status.self, Render.self, Worker.self])
}

/// `--config PATH`, shared by the commands that read the config file.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Config file (default: $BRIEFINGD_CONFIG, else Config/briefingd.yaml).")
    var config: String?

    var path: String { config ?? ConfigLoader.defaultPath() }
}
