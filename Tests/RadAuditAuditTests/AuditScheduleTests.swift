@testable import RadAuditAudit
import Testing

@Test func workersStartOnDifferentCasesAndFinishAGroupTogether() {
    // -1: the case is read ahead, four pairs (2 × jobs) before the end of the group before it.
    let pairs = AuditRunner.schedule([2, 0, 1], variantCount: 3, jobs: 2)
    #expect(pairs.map { [$0.0, $0.1 ?? -1] } == [[2, 0], [0, 0], [1, -1], [2, 1], [0, 1], [2, 2], [0, 2], [1, 0], [1, 1], [1, 2]])
    // One job reads each case when it comes to it.
    #expect(AuditRunner.schedule([1, 0], variantCount: 2, jobs: 1).map { [$0.0, $0.1 ?? -1] } == [[1, 0], [1, 1], [0, 0], [0, 1]])
    #expect(AuditRunner.schedule([], variantCount: 4, jobs: 2).isEmpty)
    // Every pair comes once, and every case after the first group is read ahead once.
    let many = AuditRunner.schedule([4, 3, 2, 1, 0], variantCount: 5, jobs: 2)
    #expect(many.filter { $0.1 != nil }.count == 25 && Set(many.filter { $0.1 == nil }.map(\.0)) == [2, 1, 0])
    #expect(many.count == 28)
}
