import Dispatch
import Foundation

extension RandomAccessCollection where Index == Int {
    /// `map` on up to `width` threads: each thread takes the next element not yet taken, so uneven work balances
    /// itself. Results keep the collection's order; when transforms throw, the error of the first such element is
    /// rethrown. A width of 1 maps on the calling thread.
    ///
    /// libdispatch runs a concurrent loop started inside another one serially, so nested calls cost nothing
    /// extra and gain nothing either.
    public func concurrentMap<T, Failure: Error>(width: Int = ProcessInfo.processInfo.activeProcessorCount,
                                                 _ transform: @Sendable (Element) throws(Failure) -> T) throws(Failure) -> [T]
        where Element: Sendable {
        let count = self.count
        guard width > 1 && count > 1 else { return try map(transform) }
        let slots = Slots<T, Failure>(count: count)
        let elements = Array(self)
        DispatchQueue.concurrentPerform(iterations: Swift.min(width, count)) { _ in
            while let index = slots.claim() {
                slots.store(Result { () throws(Failure) -> T in try transform(elements[index]) }, at: index)
            }
        }
        return try slots.values()
    }
}

/// Results of a concurrent map, filled from any thread, and the index of the next element to transform.
private final class Slots<Value, Failure: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var results: [Result<Value, Failure>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        lock.withLock {
            guard next < results.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func store(_ result: Result<Value, Failure>, at index: Int) { lock.withLock { results[index] = result } }

    func values() throws(Failure) -> [Value] {
        let results = lock.withLock { self.results }
        var values: [Value] = []
        values.reserveCapacity(results.count)
        for result in results { values.append(try result!.get()) }
        return values
    }
}

/// Runs `first` and `second` side by side when `width` is above 1 (one after the other otherwise) and returns both
/// results; when both throw, the error of `first` is rethrown.
public func concurrently<First, Second>(width: Int = ProcessInfo.processInfo.activeProcessorCount,
                                        _ first: @Sendable () throws -> First,
                                        _ second: @Sendable () throws -> Second) throws -> (First, Second) {
    guard width > 1 else { return (try first(), try second()) }
    let results = PairOfResults<First, Second>()
    DispatchQueue.concurrentPerform(iterations: 2) { index in
        if index == 0 { results.first = Result { try first() } } else { results.second = Result { try second() } }
    }
    return (try results.first!.get(), try results.second!.get())
}

/// The two results of `concurrently`, each written by one thread and read after both have finished.
private final class PairOfResults<First, Second>: @unchecked Sendable {
    var first: Result<First, Error>?
    var second: Result<Second, Error>?
}
