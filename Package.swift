// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "briefingd",
    // Linux only (inotify, signalfd, eventfd, syncfs, renameat2 through CLinuxShim, which refuses to
    // build elsewhere); SwiftPM has no way to name Linux as the one platform, so none is listed.
    products: [
        .executable(name: "briefingd", targets: ["briefingd"]),
        .library(name: "BriefingCore", targets: ["BriefingCore"]),
        .library(name: "BriefingIngest", targets: ["BriefingIngest"]),
        .library(name: "BriefingPages", targets: ["BriefingPages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // System libraries, each found through pkg-config and named by its Debian package.
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CUchardet", pkgConfig: "uchardet",
            providers: [.apt(["libuchardet-dev"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        // PDF text layers; poppler-data (CMaps) is needed at run time for Chinese CID fonts.
        .systemLibrary(
            name: "CPoppler", pkgConfig: "poppler-glib",
            providers: [.apt(["libpoppler-glib-dev", "poppler-data"])]),
        // curl_easy_setopt/getinfo are variadic C functions, which Swift cannot call: typed wrappers.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        // inotify, signalfd, eventfd, syncfs and renameat2, which the Glibc module leaves out (Linux only).
        .target(name: "CLinuxShim"),

        // Pure core: bytes in, snapshot document out. No file, network or clock access.
        .target(
            name: "BriefingCore",
            dependencies: [
                "CUchardet", "CLibXML2", "CCrypto", "CPoppler",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Model/snapshot.schema.json"]),
        // Everything around the core that touches the world: config, inbox, HTTP, state, writer, logs.
        .target(
            name: "BriefingIngest",
            dependencies: [
                "BriefingCore", "BriefingPages", "CCurlShim", "CLibXML2", "CLinuxShim", "CSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]),
        // Pages for people: snapshot documents rendered through Mustache templates that are compiled
        // in from Templates/, so the installed binary needs no resource folder beside it.
        .target(
            name: "BriefingPages",
            dependencies: [
                "BriefingCore",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [
                .embedInCode("Templates/page.mustache"),
                .embedInCode("Templates/turn.mustache"),
                .embedInCode("Templates/marked.mustache"),
                .embedInCode("Templates/mark-text.mustache"),
                .embedInCode("Templates/mark-figure-open.mustache"),
                .embedInCode("Templates/mark-figure-close.mustache"),
                .embedInCode("Templates/mark-period-open.mustache"),
                .embedInCode("Templates/mark-period-close.mustache"),
                .embedInCode("Templates/mark-named-open.mustache"),
                .embedInCode("Templates/mark-named-close.mustache"),
                .embedInCode("Templates/mark-marker-open.mustache"),
                .embedInCode("Templates/mark-marker-close.mustache"),
                .embedInCode("Templates/mark-bar.mustache"),
                .embedInCode("Templates/bar.mustache"),
                .embedInCode("Templates/day.mustache"),
                .embedInCode("Templates/days.mustache"),
                .embedInCode("Templates/style.css"),
            ]),
        .executableTarget(
            name: "briefingd",
            dependencies: [
                "BriefingCore", "BriefingIngest", "BriefingPages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Throughput, latency and memory benchmark (docs/benchmark.md); release builds only.
        .executableTarget(
            name: "briefingd-bench",
            dependencies: [
                "BriefingCore", "BriefingIngest", "BriefingPages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),

        // Shared by the test targets: temp folders, the shared fixture, the daemon as a child process.
        .target(name: "TestSupport", dependencies: ["BriefingCore"], path: "Tests/TestSupport"),
        .testTarget(
            name: "BriefingCoreTests", dependencies: ["BriefingCore", "TestSupport"],
            resources: [.copy("Transcripts")]),
        .testTarget(
            name: "BriefingIngestTests",
            dependencies: [
                "BriefingIngest", "BriefingCore", "TestSupport",
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["BriefingCore", "TestSupport"]),
        .testTarget(
            name: "BriefingPagesTests",
            dependencies: [
                "BriefingPages", "BriefingIngest", "BriefingCore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
