import Testing
import RadAuditImageIO
@testable import RadAuditPerturbation

/// A ROI sphere on smooth, noisy tissue whose intensities do not follow the ROI border.
private func tissue() -> (image: Volume<Double>, mask: Volume<Bool>) {
    let geometry = Fixture.geometry(32, 32, 32)
    var generator = SeededGenerator(seed: 2019)
    let image = Fixture.image(geometry) { p in 40 + 30 * ((p.x + p.y) / 12).rounded(.down) + 3 * generator.nextGaussian() }
    return (image, Fixture.sphere(geometry, centre: SIMD3(15.5, 16, 15.2), radius: 8.5))
}

@Test func repetitionsDifferStayNonEmptyAndKeepTheVolumeOnAverage() throws {
    let (image, mask) = tissue()
    let n = Double(Fixture.count(mask))
    var results: [Volume<Bool>] = []
    for repetition in 1...8 {
        let seed = PerturbationSeed.derive(protocolSeed: 1, caseID: "phantom", variantID: "contour_randomisation_\(repetition)")
        let result = try Perturbation.contourRandomisation(repetition: repetition).apply(to: image, mask: mask, seed: seed)
        #expect(result.image.voxels == image.voxels)
        #expect(Fixture.count(result.mask) > 0)
        #expect(abs(Double(Fixture.count(result.mask)) - n) / n < 0.4)
        results.append(result.mask)
    }
    for a in 0..<results.count { for b in (a + 1)..<results.count { #expect(results[a].voxels != results[b].voxels) } }
    let meanCount = results.map { Double(Fixture.count($0)) }.reduce(0, +) / Double(results.count)
    #expect(abs(meanCount - n) / n < 0.1)
    // Each result overlaps the original ROI substantially (Dice).
    for result in results {
        let common = Double(zip(result.voxels, mask.voxels).filter { $0 && $1 }.count)
        #expect(2 * common / (n + Double(Fixture.count(result))) > 0.6)
    }
}

@Test func randomisationIsDeterminedByTheSeed() {
    let (image, mask) = tissue()
    let randomisation = ContourRandomisation()
    let first = randomisation.randomised(mask, image: image, seed: 31)
    #expect(randomisation.randomised(mask, image: image, seed: 31).mask.voxels == first.mask.voxels)
    #expect(first.overlappingCount > 10)
    #expect(first.selectedCount > 0 && first.selectedCount <= first.overlappingCount)
}

@Test func aBorderOnAnIntensityEdgeDoesNotMove() {
    // A bright block in dark surroundings, the ROI exactly the block: every supervoxel lies on one side of the edge,
    // so each is drawn with probability 0 or 1 and every seed gives the ROI back.
    let geometry = Fixture.geometry(30, 30, 30)
    let block = Fixture.mask(geometry) { p in p.x >= 8 && p.x < 21 && p.y >= 9 && p.y < 19 && p.z >= 10 && p.z < 22 }
    let image = Fixture.image(geometry) { p in block[Int(p.x), Int(p.y), Int(p.z)] ? 1000 : 0 }
    for seed: UInt64 in [1, 2, 3] {
        let result = ContourRandomisation().randomised(block, image: image, seed: seed)
        #expect(result.mask.voxels == block.voxels)
    }
}

@Test func supervoxelsDoNotCrossAStrongEdge() {
    let size = GridSize(x: 24, y: 20, z: 16)
    var intensities: [Double] = []
    for _ in 0..<size.z { for _ in 0..<size.y { for i in 0..<size.x { intensities.append(i < 11 ? 0 : 1) } } }
    let supervoxels = Supervoxels(intensities: intensities, size: size, spacing: SIMD3(1, 1, 1.5), interval: 5,
                                  compactness: 0.1, iterations: 10)
    #expect(supervoxels.count > 10)
    var side = [Double?](repeating: nil, count: supervoxels.count)
    for (label, value) in zip(supervoxels.labels, intensities) {
        #expect(side[Int(label)] == nil || side[Int(label)] == value)
        side[Int(label)] = value
    }
    #expect(side.allSatisfy { $0 != nil })
}
