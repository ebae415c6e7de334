import BriefingCore
import BriefingPages

// Single-core throughput of each pure stage, on one thread, in the thread's own CPU time (so other
// processes on the two shared cores delay the runs but do not inflate the figures). Each stage is
// repeated until at least `minSeconds` of CPU time have passed (so short stages are not dominated
// by clock resolution), five times, and the median run is kept.

struct StageTiming {
    var minSeconds: Double
    var runs: Int

    /// Median seconds per call of `body`.
    func secondsPerCall(_ body: () -> Void) -> Double {
        body()  // warm-up: first-touch page faults, lazy lexicon initialisation
        var perCall: [Double] = []
        for _ in 0..<runs {
            var calls = 0
            let start = MonotonicClock.threadCPUNanoseconds()
            var elapsed = 0.0
            repeat {
                body()
                calls += 1
                elapsed = Double(MonotonicClock.threadCPUNanoseconds() - start) / 1e9
            } while elapsed < minSeconds
            perCall.append(elapsed / Double(calls))
        }
        return Statistics.median(perCall)
    }
}

enum Stage: String, CaseIterable, Codable, Sendable {
    case decode
    case normalize
    case decodeNormalize = "decode+normalize"
    case extract
    case encodeJSON = "encode JSON"
    case pipeline = "full pipeline"
    case renderPage = "render page"

    var explanation: String {
        switch self {
        case .decode: "InputDecoder.decode: format and encoding detection, bytes to String"
        case .normalize: "TextNormalizer.normalize on the decoded text"
        case .decodeNormalize: "decode then normalize, back to back"
        case .extract: "BriefingExtractor.extract on the normalized text"
        case .encodeJSON: "Snapshot.jsonBytes() of the finished snapshot"
        case .pipeline: "BriefingPipeline.process + jsonBytes: input bytes to snapshot JSON bytes"
        case .renderPage:
            "the snapshot's HTML page from its JSON: PageSnapshot.decode + PageRenderer.page (no file I/O)"
        }
    }
}

enum StageBenchmark {
    /// Measures every stage on `input`; throughput is always in the input's own bytes, so the rows of
    /// one column add up like the pipeline does. A form the decoder cannot take gets one error row.
    static func run(_ input: BenchInput, stages: [Stage], timing: StageTiming, ingestedAt: Timestamp)
        -> [StageFigure]
    {
        let hints = DecodeHints(fileName: input.fileName)
        let bytes = input.bytes
        let decoded: DecodedInput
        do {
            decoded = try InputDecoder.decode(bytes, hints: hints)
        } catch {
            let reason = "\(error.code): \(error.description)"
            return stages.map {
                StageFigure(form: input.label, stage: $0, inputBytes: bytes.count, error: reason)
            }
        }
        let normalized = TextNormalizer.normalize(decoded.text, format: decoded.format)
        let context = ExtractionContext(titleHint: decoded.titleHint, ingestionDate: ingestedAt.civilDate)
        let source = Source(kind: .inbox, name: "inbox", path: "/bench/" + input.fileName)
        let snapshot: Snapshot
        do {
            snapshot = try BriefingPipeline.process(
                bytes, hints: hints, source: source, ingestedAt: ingestedAt)
        } catch {
            let reason = "\(error.code): \(error.description)"
            return stages.map {
                StageFigure(form: input.label, stage: $0, inputBytes: bytes.count, error: reason)
            }
        }

        var figures: [StageFigure] = []
        for stage in stages {
            let seconds: Double
            switch stage {
            case .decode:
                seconds = timing.secondsPerCall { blackHole(try? InputDecoder.decode(bytes, hints: hints)) }
            case .normalize:
                seconds = timing.secondsPerCall {
                    blackHole(TextNormalizer.normalize(decoded.text, format: decoded.format))
                }
            case .decodeNormalize:
                seconds = timing.secondsPerCall {
                    if let d = try? InputDecoder.decode(bytes, hints: hints) {
                        blackHole(TextNormalizer.normalize(d.text, format: d.format))
                    }
                }
            case .extract:
                seconds = timing.secondsPerCall {
                    blackHole(BriefingExtractor.extract(normalized.text, context: context))
                }
            case .encodeJSON:
                seconds = timing.secondsPerCall { blackHole(snapshot.jsonBytes()) }
            case .renderPage:
                let json = snapshot.jsonBytes()
                guard let renderer = try? PageRenderer(),
                    (try? PageSnapshot.decode(json, path: "bench.json")) != nil
                else {
                    figures.append(
                        StageFigure(
                            form: input.label, stage: stage, inputBytes: bytes.count,
                            error: "the page templates or the snapshot could not be read"))
                    continue
                }
                var pageBytes = 0
                seconds = timing.secondsPerCall {
                    if let d = try? PageSnapshot.decode(json, path: "bench.json") {
                        let html = renderer.page(d, jsonName: "bench.json")
                        pageBytes = html.utf8.count
                        blackHole(html)
                    }
                }
                var figure = StageFigure(
                    form: input.label, stage: stage, inputBytes: bytes.count, secondsPerDocument: seconds)
                figure.outputBytes = pageBytes
                figures.append(figure)
                continue
            case .pipeline:
                seconds = timing.secondsPerCall {
                    if let s = try? BriefingPipeline.process(
                        bytes, hints: hints, source: source, ingestedAt: ingestedAt)
                    {
                        blackHole(s.jsonBytes())
                    }
                }
            }
            figures.append(
                StageFigure(
                    form: input.label, stage: stage, inputBytes: bytes.count, secondsPerDocument: seconds))
        }
        return figures
    }
}
