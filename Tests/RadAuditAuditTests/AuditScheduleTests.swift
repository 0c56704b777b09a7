@testable import RadAuditAudit
import Testing

@Test func workersStartOnDifferentCasesAndFinishAGroupTogether() {
    let pairs = AuditRunner.schedule([2, 0, 1], variantCount: 3, jobs: 2)
    #expect(pairs.map { [$0.0, $0.1] } == [[2, 0], [0, 0], [2, 1], [0, 1], [2, 2], [0, 2], [1, 0], [1, 1], [1, 2]])
    #expect(AuditRunner.schedule([1, 0], variantCount: 2, jobs: 1).map { [$0.0, $0.1] } == [[1, 0], [1, 1], [0, 0], [0, 1]])
    #expect(AuditRunner.schedule([], variantCount: 4, jobs: 2).isEmpty)
}
