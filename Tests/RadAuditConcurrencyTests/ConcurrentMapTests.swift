import Foundation
import RadAuditConcurrency
import Testing

private struct Failure: Error, Equatable { let index: Int }

@Test(arguments: [1, 2, 8])
func resultsKeepTheOrderOfTheElements(width: Int) {
    let squares = Array(0..<1000).concurrentMap(width: width) { $0 * $0 }
    #expect(squares == (0..<1000).map { $0 * $0 })
}

@Test func theFirstFailingElementsErrorIsRethrown() {
    #expect(throws: Failure(index: 3)) {
        _ = try Array(0..<100).concurrentMap(width: 4) { index -> Int in
            if index == 3 || index == 70 { throw Failure(index: index) }
            return index
        }
    }
}

@Test func everyElementIsTransformedOnce() {
    let counter = NSLock()
    nonisolated(unsafe) var calls = 0
    _ = Array(0..<500).concurrentMap(width: 3) { value -> Int in
        counter.withLock { calls += 1 }
        return value
    }
    #expect(calls == 500)
}

@Test func emptyAndSingleCollectionsNeedNoThreads() {
    #expect([Int]().concurrentMap(width: 4) { $0 } == [])
    #expect([7].concurrentMap(width: 4) { $0 + 1 } == [8])
}

@Test(arguments: [1, 2])
func twoComputationsGiveBothResults(width: Int) throws {
    let (text, number) = try concurrently(width: width, { String(repeating: "a", count: 3) }, { (1...10).reduce(0, +) })
    #expect(text == "aaa" && number == 55)
    #expect(throws: Failure(index: 0)) {
        _ = try concurrently(width: width, { () throws -> Int in throw Failure(index: 0) }, { () throws -> Int in throw Failure(index: 1) })
    }
}
