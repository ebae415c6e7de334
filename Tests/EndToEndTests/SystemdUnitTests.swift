import Foundation
import TestSupport
import Testing

/// The shipped unit, user, folders and install target, checked with systemd's own tools offline
/// (systemd need not be running: `systemd-analyze`, `systemd-sysusers --root`, `systemd-tmpfiles --root`).
@Suite(.serialized) struct SystemdUnitTests {
    static let unit = Paths.repository.appendingPathComponent("systemd/briefingd.service").path

    @Test func unitVerifiesAndIsRatedTwoOrBetter() throws {
        let dir = try TemporaryDirectory("briefingd-unit")
        defer { dir.remove() }
        // verify checks that ExecStart exists: point it at the binary under test.
        let text = try String(contentsOfFile: Self.unit, encoding: .utf8)
        let copy = dir.file("briefingd.service")
        try text.replacingOccurrences(of: "/usr/local/bin/briefingd", with: Paths.daemonExecutable)
            .write(toFile: copy, atomically: true, encoding: .utf8)

        let verify = try runTool("/usr/bin/systemd-analyze", ["verify", copy])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(
            !verify.output.contains("briefingd.service:"), "systemd-analyze verify warns:\n\(verify.output)")

        let security = try runTool("/usr/bin/systemd-analyze", ["security", "--offline=yes", copy])
        let overall = try #require(
            security.output.split(separator: "\n").first {
                $0.contains("Overall exposure level for briefingd.service")
            })
        let score = try #require(
            overall.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) })
        print("systemd-analyze security --offline=yes: \(overall)")
        #expect(score <= 2.0, "\(security.output)")

        // What the issue asks of the unit, directive by directive.
        let directives = Set(text.split(separator: "\n").map { String($0) })
        for required in [
            "Type=notify", "ExecStart=/usr/local/bin/briefingd run --config /etc/briefingd/briefingd.yaml",
            "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "RestartPreventExitStatus=78",
            "StateDirectory=briefingd", "ConfigurationDirectory=briefingd", "ProtectSystem=strict",
            "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet=",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "SystemCallFilter=@system-service",
            "MemoryDenyWriteExecute=yes", "UMask=0027", "SystemCallFilter=setrlimit prlimit64",
        ] {
            #expect(directives.contains(required), "missing \(required)")
        }
        #expect(directives.contains { $0.hasPrefix("WatchdogSec=") })
        #expect(directives.contains { $0.hasPrefix("TimeoutStopSec=") })
        #expect(directives.contains { $0.hasPrefix("User=") || $0 == "DynamicUser=yes" })
    }

    @Test func installStagesTheFilesAndTheUserAndFoldersApply() throws {
        let root = try TemporaryDirectory("briefingd-install")
        defer { root.remove() }
        let make = try runTool(
            "/usr/bin/make",
            [
                "-C", Paths.repository.path, "install-files", "DESTDIR=\(root.path)",
                "BIN=\(Paths.daemonExecutable)",
            ])
        #expect(make.status == 0, "\(make.output)")
        for (path, mode) in [
            "/usr/local/bin/briefingd": 0o755, "/etc/systemd/system/briefingd.service": 0o644,
            "/usr/lib/sysusers.d/briefingd.conf": 0o644, "/usr/lib/tmpfiles.d/briefingd.conf": 0o644,
            "/etc/briefingd/briefingd.yaml": 0o640, "/usr/local/share/doc/briefingd/operating.md": 0o644,
        ] {
            #expect(Self.mode(root.path + path) == mode, "\(path)")
        }
        let config = root.path + "/etc/briefingd/briefingd.yaml"
        let check = try runBriefingd(["check-config", "--config", config])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("path: /var/lib/briefingd/inbox"))
        #expect(check.stdout.contains("path: /var/lib/briefingd/snapshots"))

        // An edited config survives a second install.
        try "# edited\n".write(toFile: config, atomically: false, encoding: .utf8)
        #expect(
            try runTool(
                "/usr/bin/make",
                [
                    "-C", Paths.repository.path, "install-files", "DESTDIR=\(root.path)",
                    "BIN=\(Paths.daemonExecutable)",
                ]
            ).status == 0)
        #expect(try String(contentsOfFile: config, encoding: .utf8) == "# edited\n")

        // The system user, the readers' group and the folders, as the staged sysusers/tmpfiles make them.
        for file in ["passwd", "group", "shadow", "gshadow"] {
            #expect(FileManager.default.createFile(atPath: root.path + "/etc/" + file, contents: nil))
        }
        #expect(try runTool("/usr/bin/systemd-sysusers", ["--root=\(root.path)"]).status == 0)
        let groups = try String(contentsOfFile: root.path + "/etc/group", encoding: .utf8)
        let readers = try #require(
            groups.split(separator: "\n").first { $0.hasPrefix("briefingd-readers:") }?.split(separator: ":")[
                2])
        #expect(
            try String(contentsOfFile: root.path + "/etc/passwd", encoding: .utf8).contains("briefingd:x:"))
        let tmpfiles = try runTool("/usr/bin/systemd-tmpfiles", ["--root=\(root.path)", "--create"])
        #expect(tmpfiles.status == 0, "\(tmpfiles.output)")
        #expect(Self.mode(root.path + "/var/lib/briefingd") == 0o751)
        #expect(Self.mode(root.path + "/var/lib/briefingd/inbox") == 0o2770)
        #expect(Self.mode(root.path + "/var/lib/briefingd/snapshots") == 0o2750)
        var st = stat()
        #expect(stat(root.path + "/var/lib/briefingd/snapshots", &st) == 0 && "\(st.st_gid)" == readers)
    }

    /// What the setgid snapshot folder is for: every file and folder the daemon makes in it belongs
    /// to the folder's group, readable by that group only, whatever the daemon's own umask.
    @Test func snapshotsBelongToTheSetgidFoldersGroup() throws {
        let daemon = try DaemonProcess()
        let readers: gid_t = 65534
        try FileManager.default.createDirectory(atPath: daemon.snapshots, withIntermediateDirectories: true)
        #expect(chown(daemon.snapshots, 0, readers) == 0 && chmod(daemon.snapshots, 0o2750) == 0)
        try daemon.start()
        try daemon.drop(try Paths.fixtureBytes(), as: "a.txt")
        #expect(waitUntil { daemon.snapshotFiles().count == 1 && daemon.manifest().count == 1 })
        #expect(daemon.stop() == 0)
        let file = daemon.snapshots + "/" + (daemon.snapshotFiles().first ?? "")
        let day = (file as NSString).deletingLastPathComponent
        for (path, mode) in [(file, 0o640), (day, 0o2750), (daemon.snapshots + "/manifest.jsonl", 0o640)] {
            var st = stat()
            #expect(stat(path, &st) == 0)
            #expect(Int(st.st_mode & 0o7777) == mode, "\(path): \(String(st.st_mode & 0o7777, radix: 8))")
            #expect(st.st_gid == readers, "\(path) is not in the folder's group")
        }
    }

    static func mode(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_mode & 0o7777) : nil
    }
}
