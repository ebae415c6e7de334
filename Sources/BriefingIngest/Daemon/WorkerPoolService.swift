import ServiceLifecycle

/// The extraction workers as a service: they run from the start, and a graceful shutdown stops
/// them at once, whatever they are doing (the inputs they had stay in the inbox).
struct WorkerPoolService: Service {
    let pool: WorkerPool

    func run() async throws {
        try? await gracefulShutdown()
        pool.shutDown()
    }
}
