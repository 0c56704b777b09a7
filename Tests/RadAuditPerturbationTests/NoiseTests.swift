import Foundation
import Testing
import RadAuditImageIO
@testable import RadAuditPerturbation

@Test func noiseHasTheRequestedMeanAndStandardDeviation() {
    let geometry = Fixture.geometry(40, 40, 40)
    let image = Fixture.image(geometry) { _ in 100 }
    let noisy = GaussianNoise.adding(sigma: 15, to: image, seed: 42)
    let n = Double(noisy.voxels.count)
    let residuals = noisy.voxels.map { $0 - 100 }
    let mean = residuals.reduce(0, +) / n
    let sd = (residuals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
    // Standard errors: 15 / √64000 ≈ 0.06 for the mean, 15 / √128000 ≈ 0.04 for σ.
    #expect(abs(mean) < 0.3)
    #expect(abs(sd - 15) < 0.25)
    let withinOneSigma = Double(residuals.filter { abs($0) <= 15 }.count) / n
    #expect(abs(withinOneSigma - 0.6827) < 0.01)
}

@Test func noiseIsDeterminedByTheSeed() {
    let geometry = Fixture.geometry(10, 10, 10)
    let image = Fixture.image(geometry) { $0.x }
    let first = GaussianNoise.adding(sigma: 5, to: image, seed: 1234)
    #expect(GaussianNoise.adding(sigma: 5, to: image, seed: 1234).voxels == first.voxels)
    let other = GaussianNoise.adding(sigma: 5, to: image, seed: 1235)
    #expect(zip(first.voxels, other.voxels).filter { $0 != $1 }.count == first.voxels.count)
    #expect(GaussianNoise.adding(sigma: 0, to: image, seed: 1).voxels == image.voxels)
}

@Test func changEstimatorRecoversTheNoiseLevel() throws {
    let geometry = Fixture.geometry(64, 64, 6)
    // A ramp has no diagonal Haar detail: only the noise shows.
    let ramp = Fixture.image(geometry) { 3 * $0.x - 2 * $0.y + 40 * $0.z }
    #expect(try GaussianNoise.estimatedSigma(of: ramp) == 0)
    let noisy = GaussianNoise.adding(sigma: 10, to: ramp, seed: 5)
    let estimate = try GaussianNoise.estimatedSigma(of: noisy)
    #expect(abs(estimate - 10) < 0.5)
    let result = try Perturbation.noise(sigma: .auto).apply(to: noisy, mask: Fixture.mask(geometry) { $0.x < 5 }, seed: 9)
    #expect(result.notes == ["estimated noise sigma=\(estimate)"])
    #expect(result.image.voxels == GaussianNoise.adding(sigma: estimate, to: noisy, seed: 9).voxels)
    #expect(throws: PerturbationError.self) { try GaussianNoise.estimatedSigma(of: Fixture.image(Fixture.geometry(1, 9, 9)) { _ in 0 }) }
}

@Test func selectionFindsTheMedianOfAnyArrangement() {
    var generator = SeededGenerator(seed: 77)
    for count in [1, 2, 3, 10, 101, 1000] {
        for duplicates in [false, true] {
            var values = (0..<count).map { _ in duplicates ? Double(generator.nextInt(below: 5)) : generator.nextUniform() }
            let sorted = values.sorted()
            let expected = count % 2 == 1 ? sorted[count / 2] : 0.5 * (sorted[count / 2 - 1] + sorted[count / 2])
            #expect(Selection.median(&values) == expected)
        }
    }
}

@Test func skippingGaussiansLeavesTheGeneratorWhereDrawingThemWould() {
    for (start, count) in [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (1, 1001), (3, 10_000), (2, 9_999)] {
        var drawn = SeededGenerator(seed: 5), skipped = SeededGenerator(seed: 5)
        for _ in 0..<start { _ = drawn.nextGaussian(); _ = skipped.nextGaussian() }
        for _ in 0..<count { _ = drawn.nextGaussian() }
        skipped.skipGaussians(count)
        #expect((0..<5).map { _ in drawn.nextGaussian() } == (0..<5).map { _ in skipped.nextGaussian() }, "\(start) + \(count)")
    }
}
