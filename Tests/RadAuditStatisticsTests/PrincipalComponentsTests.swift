import RadAuditStatistics
import Testing

@Test func principalComponentsOfCollinearVariablesHaveOneComponent() {
    // Three variables that are affine functions of one factor: the first component explains everything.
    let factor = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5] // centred, so scores are proportional to it
    let data = [factor, factor.map { 3 * $0 + 1 }, factor.map { -0.5 * $0 + 7 }]
    let pca = PrincipalComponents(data, components: 2)
    #expect(pca.variableCount == 3)
    #expect(abs(pca.explainedVariance[0] - 1) < 1e-12)
    #expect(abs(pca.explainedVariance[1]) < 1e-12)
    // Scores are proportional to the factor (sign fixed by the largest element).
    let ratio = pca.scores[0][5] / factor[5]
    for (score, f) in zip(pca.scores[0], factor) { #expect(abs(score - ratio * f) < 1e-9) }
}

@Test func principalComponentsAgreeBetweenTheGramAndCovariancePaths() {
    // Four samples of five variables use the Gram path; the transposed problem's first component explains the
    // same share whichever side is decomposed.
    let data: [[Double]] = [[1, 4, 2, 8], [3, 1, 4, 1], [5, 9, 2, 6], [2, 7, 1, 8], [2, 8, 1, 8]]
    let wide = PrincipalComponents(data, components: 2)
    let tall = PrincipalComponents(Array(data.prefix(3)), components: 2)
    #expect(wide.scores.count == 2 && wide.scores[0].count == 4)
    #expect(tall.scores.count == 2 && tall.scores[0].count == 4)
    #expect(wide.explainedVariance.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(wide.explainedVariance[0] >= wide.explainedVariance[1])
    // Constant and missing-only variables are left out.
    let skipped = PrincipalComponents(data + [[5, 5, 5, 5], [.nan, .nan, .nan, 1]])
    #expect(skipped.variableCount == 5)
    #expect(skipped.explainedVariance == wide.explainedVariance)
}
