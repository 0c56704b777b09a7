import RadAuditCore
import Testing

@Test func jacobiFindsTheEigenpairsOfASymmetricMatrix() {
    // Eigenvalues of [[2, 1, 0], [1, 2, 1], [0, 1, 2]] are 2 + √2, 2, 2 − √2.
    let eigen = SymmetricEigen([[2, 1, 0], [1, 2, 1], [0, 1, 2]])
    let expected = [2 + 2.0.squareRoot(), 2, 2 - 2.0.squareRoot()]
    for (value, reference) in zip(eigen.values, expected) { #expect(abs(value - reference) < 1e-12) }
    let first = eigen.vectors[0]
    #expect(abs(first[0] - 0.5) < 1e-12 && abs(first[1] - 0.5 * 2.0.squareRoot()) < 1e-12 && abs(first[2] - 0.5) < 1e-12)
    // A v = λ v for every pair.
    let a = [[2.0, 1, 0], [1, 2, 1], [0, 1, 2]]
    for (value, vector) in zip(eigen.values, eigen.vectors) {
        for i in 0..<3 {
            let product = (0..<3).reduce(0) { $0 + a[i][$1] * vector[$1] }
            #expect(abs(product - value * vector[i]) < 1e-12)
        }
    }
}
