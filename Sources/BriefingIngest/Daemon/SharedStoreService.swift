import BriefingStore
import Logging
import ServiceLifecycle

/// The shared PostgreSQL store as a service: renews this instance's leases from start until
/// graceful shutdown, then gives them back at once and closes the connections.
final class SharedStoreService: Service {
    private let store: SharedStore
    private let leases: SourceLeases

    init(store: SharedStore, leases: SourceLeases) {
        self.store = store
        self.leases = leases
    }

    func run() async throws {
        let keeper = Task { await leases.run() }
        // Cancellation (another service failed) ends it as a graceful shutdown does.
        try? await gracefulShutdown()
        keeper.cancel()
        await keeper.value
        // So that the others take the sources over at their next round instead of after `lease`.
        await leases.releaseAll()
        store.close()
    }
}
