import RadAuditImageIO
import Testing
@testable import RadAuditPreprocessing

private func volume(_ values: [Double]) -> Volume<Double> {
    Volume(geometry: ImageGeometry(size: GridSize(x: values.count, y: 1, z: 1), spacing: SIMD3(1, 1, 1)), voxels: values)
}

@Test func zScoreOverTheImageUsesTheSampleStandardDeviation() throws {
    var image = volume([1, 2, 3, 4, 10])
    let mask = Volume(geometry: image.geometry, voxels: [true, true, false, false, false])
    try IntensityNormalisation(scope: .image, scale: 100).apply(to: &image, mask: mask)
    // μ = 4, sample σ = √(50 / 4)
    let sigma = (50.0 / 4).squareRoot()
    for (got, x) in zip(image.voxels, [1.0, 2, 3, 4, 10]) { #expect(abs(got - 100 * (x - 4) / sigma) < 1e-12) }
}

@Test func outliersAreClippedBeforeTheScaleAndTheROIScopeUsesTheROI() throws {
    var image = volume([1, 3, 100])
    let mask = Volume(geometry: image.geometry, voxels: [true, true, false])
    try IntensityNormalisation(scope: .roi, scale: 2, outlierLimit: 3).apply(to: &image, mask: mask)
    // ROI: μ = 2, sample σ = √2; 100 → (98/√2) clipped to 3, then × 2.
    #expect(abs(image.voxels[0] - 2 * (-1 / 2.0.squareRoot())) < 1e-12)
    #expect(image.voxels[2] == 6)
}

@Test func aFlatSelectionIsAnError() {
    var image = volume([5, 5, 7])
    let mask = Volume(geometry: image.geometry, voxels: [true, true, false])
    #expect(throws: PreprocessingError.self) { try IntensityNormalisation(scope: .roi).apply(to: &image, mask: mask) }
}

/// Over a reference region (e.g. muscle), μ and σ come from its voxels only; without one, or on another grid, the
/// normalisation is refused with a line that says what is missing.
@Test func theReferenceMaskScopeUsesTheReferenceVoxels() throws {
    var image = volume([1, 2, 3, 40, 50])
    let roi = Volume(geometry: image.geometry, voxels: [true, false, false, false, false])
    let reference = Volume(geometry: image.geometry, voxels: [false, false, false, true, true])
    try IntensityNormalisation(scope: .referenceMask).apply(to: &image, mask: roi, reference: reference)
    // Reference: μ = 45, sample σ = √50.
    for (got, x) in zip(image.voxels, [1.0, 2, 3, 40, 50]) { #expect(abs(got - (x - 45) / 50.0.squareRoot()) < 1e-12) }
    var again = volume([1, 2, 3])
    let small = Volume(geometry: again.geometry, voxels: [true, false, false])
    #expect(throws: PreprocessingError.self) { try IntensityNormalisation(scope: .referenceMask).apply(to: &again, mask: small) }
    #expect(throws: PreprocessingError.self) {
        try IntensityNormalisation(scope: .referenceMask).apply(to: &again, mask: small, reference: reference)
    }
}
