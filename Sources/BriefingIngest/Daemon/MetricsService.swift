import ServiceLifecycle

/// The `metrics.listen` endpoint as a service: bound before the group starts (so that a taken port
/// fails the start), answering until graceful shutdown.
struct MetricsService: Service {
    let server: MetricsServer

    func run() async throws {
        try? await gracefulShutdown()
        server.stop()
    }
}
