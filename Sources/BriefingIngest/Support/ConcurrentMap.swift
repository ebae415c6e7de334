import Dispatch
import Synchronization

extension Array where Element: Sendable {
    /// `map` with every element transformed in parallel on all cores (pure CPU work only); the
    /// results come back in the elements' order.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        let slots = Mutex([T?](repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let value = transform(self[i])
            slots.withLock { $0[i] = value }
        }
        return slots.withLock { $0.map { $0! } }
    }
}
