import Testing
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditPerturbation

/// Random intensities, so that every voxel is recognisable after a permutation.
private func randomImage(_ geometry: ImageGeometry, seed: UInt64) -> Volume<Double> {
    var generator = SeededGenerator(seed: seed)
    return Fixture.image(geometry) { _ in generator.nextUniform() * 1000 }
}

@Test func rotationByNinetyDegreesPermutesVoxelsAboutTheCentroid() {
    let geometry = Fixture.geometry(21, 21, 3)
    // A cross with arms of length 4 along x and 2 along y, centroid at (10, 10).
    let cross = Fixture.mask(geometry) { p in
        (p.y == 10 && abs(p.x - 10) <= 4) || (p.x == 10 && abs(p.y - 10) <= 2)
    }
    #expect(RigidTransform.centroid(of: cross).x == 10 && RigidTransform.centroid(of: cross).y == 10)
    let image = randomImage(geometry, seed: 7)
    let (rotatedImage, rotatedMask) = RigidTransform.rotated(image: image, mask: cross, degrees: 90, imageKernel: .linear,
                                                             maskKernel: .linear, maskThreshold: 0.5)
    for k in 0..<3 { for j in 0..<21 { for i in 0..<21 {
        // Content turns from +x to +y: output (i, j) shows the input at (10 + (j − 10), 10 − (i − 10)).
        let (si, sj) = (j, 20 - i)
        #expect(rotatedImage[i, j, k] == image[si, sj, k])
        #expect(rotatedMask[i, j, k] == cross[si, sj, k])
    } } }
    // The long arm now lies along y.
    #expect(rotatedMask[10, 14, 1] && !rotatedMask[14, 10, 1] && rotatedMask[12, 10, 1])
}

@Test func rotationUsesPhysicalCoordinatesOnAnisotropicGrids() {
    let geometry = Fixture.geometry(21, 21, 1, spacing: SIMD3(1, 2, 3))
    // A bar 8 mm long along x (voxels 6...14 of 1 mm) becomes a bar 8 mm long along y (voxels 8...12 of 2 mm).
    let bar = Fixture.mask(geometry) { $0.y == 10 && abs($0.x - 10) <= 4 }
    let image = Fixture.image(geometry) { _ in 1 }
    let rotated = RigidTransform.rotated(image: image, mask: bar, degrees: 90, imageKernel: .linear,
                                         maskKernel: .linear, maskThreshold: 0.5).mask
    // The 2 mm thick bar covers voxel 10 along x and half of voxels 9 and 11 (fraction ½, inside at threshold ½).
    #expect(rotated.voxels == Fixture.mask(geometry) { abs($0.x - 10) <= 1 && abs($0.y - 10) <= 2 }.voxels)
}

@Test func fullTurnsAreExact() {
    let geometry = Fixture.geometry(15, 13, 2)
    let mask = Fixture.sphere(geometry, centre: SIMD3(7.2, 6.1, 0.5), radius: 4)
    let image = randomImage(geometry, seed: 3)
    let turned = RigidTransform.rotated(image: image, mask: mask, degrees: -720, imageKernel: .linear,
                                        maskKernel: .linear, maskThreshold: 0.5)
    #expect(turned.image.voxels == image.voxels)
    #expect(turned.mask.voxels == mask.voxels)
}

@Test func obliqueRotationKeepsTheVolumeOfASphere() {
    let geometry = Fixture.geometry(30, 30, 5)
    let sphere = Fixture.sphere(geometry, centre: SIMD3(14.3, 15.1, 2), radius: 9)
    let image = Fixture.image(geometry) { $0.x }
    let rotated = RigidTransform.rotated(image: image, mask: sphere, degrees: 33, imageKernel: .linear,
                                         maskKernel: .linear, maskThreshold: 0.5)
    let (before, after) = (Double(Fixture.count(sphere)), Double(Fixture.count(rotated.mask)))
    #expect(abs(after - before) / before < 0.03)
    // A ramp along x rotated by θ about the centroid c: value = c.x + cos θ (x − c.x) + sin θ (y − c.y) inside.
    let c = RigidTransform.centroid(of: sphere)
    let (cosine, sine) = RigidTransform.cosineAndSine(degrees: 33)
    for j in 8..<22 { for i in 8..<22 {
        let expected = c.x + cosine * (Double(i) - c.x) + sine * (Double(j) - c.y)
        #expect(abs(rotated.image[i, j, 2] - expected) < 1e-9)
    } }
}

@Test func translationByHalfASpacingShiftsARampByHalfItsSlopes() {
    let geometry = Fixture.geometry(8, 9, 10)
    let image = Fixture.image(geometry) { 2 * $0.x + 3 * $0.y + 5 * $0.z }
    let mask = Fixture.mask(geometry) { p in p.x >= 2 && p.x <= 5 && p.y >= 3 && p.y <= 6 && p.z >= 2 && p.z <= 7 }
    for fraction in [0.5, -0.5] {
        let moved = RigidTransform.translated(image: image, mask: mask, fraction: fraction, imageKernel: .linear,
                                              maskKernel: .linear, maskThreshold: 0.5)
        for k in 1..<9 { for j in 1..<8 { for i in 1..<7 {
            #expect(abs(moved.image[i, j, k] - (image[i, j, k] + fraction * 10)) < 1e-12)
        } } }
        // Mask fractions: 1 inside, ½ on the face layer the grid moved onto, ¼ or less on edges.
        let expected = Fixture.mask(geometry) { p in
            let shifted = p + fraction
            func axis(_ x: Double, _ low: Double, _ high: Double) -> Double { min(max(0, min(x - low + 1, high + 1 - x)), 1) }
            return axis(shifted.x, 2, 5) * axis(shifted.y, 3, 6) * axis(shifted.z, 2, 7) >= 0.5
        }
        #expect(moved.mask.voxels == expected.voxels)
    }
}

@Test func translationByAWholeSpacingShiftsTheMaskByOneVoxel() {
    let geometry = Fixture.geometry(12, 12, 12)
    let mask = Fixture.sphere(geometry, centre: SIMD3(5.5, 6, 6.5), radius: 4)
    let image = randomImage(geometry, seed: 11)
    let moved = RigidTransform.translated(image: image, mask: mask, fraction: 1, imageKernel: .linear,
                                          maskKernel: .linear, maskThreshold: 0.5)
    for k in 0..<12 { for j in 0..<12 { for i in 0..<12 {
        let inside = i < 11 && j < 11 && k < 11 ? mask[i + 1, j + 1, k + 1] : false
        #expect(moved.mask[i, j, k] == inside)
        #expect(moved.image[i, j, k] == image[min(i + 1, 11), min(j + 1, 11), min(k + 1, 11)])
    } } }
}
