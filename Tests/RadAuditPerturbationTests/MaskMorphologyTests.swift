import Testing
import RadAuditImageIO
@testable import RadAuditPerturbation

@Test func sphereErodedByOneMillimetreLosesExactlyItsBoundaryVoxels() {
    let geometry = Fixture.geometry(27, 27, 27)
    let sphere = Fixture.sphere(geometry, centre: SIMD3(13, 13, 13), radius: 10)
    let eroded = MaskMorphology.eroded(sphere, by: 1)
    var lost = 0
    for k in 0..<27 { for j in 0..<27 { for i in 0..<27 where sphere[i, j, k] {
        let nearOutside = Fixture.hasVoxel(sphere, equalTo: false, within: 1, of: SIMD3(i, j, k))
        #expect(eroded[i, j, k] == !nearOutside, "voxel \(i), \(j), \(k)")
        if nearOutside { lost += 1 }
    } } }
    #expect(Fixture.count(sphere) - Fixture.count(eroded) == lost)
    #expect(lost > 0)
    #expect(!zip(sphere.voxels, eroded.voxels).contains { !$0 && $1 }, "erosion only removes voxels")
}

@Test(arguments: [SIMD3(0.7, 0.9, 2.5), SIMD3(1.2, 0.8, 1.0)])
func erosionAndDilationMatchBruteForceOnAnisotropicGrids(spacing: SIMD3<Double>) {
    let geometry = Fixture.geometry(30, 28, 12, spacing: spacing)
    let mask = Fixture.mask(geometry) { p in
        // An ellipsoid with a notch, cut by the grid's x = 0 face, so that distances along every axis and the
        // border matter.
        let d = p * spacing - SIMD3(4.3, 11.1, 13.7)
        return (d * d / SIMD3(64, 49, 100)).sum() <= 1 && !(d.x > 2 && abs(d.y) < 1.5)
    }
    for distance in [1.0, 2.0, 2.6] {
        let eroded = MaskMorphology.eroded(mask, by: distance)
        let dilated = MaskMorphology.dilated(mask, by: distance)
        for k in 0..<12 { for j in 0..<28 { for i in 0..<30 {
            let p = SIMD3(i, j, k)
            if mask[i, j, k] {
                #expect(eroded[i, j, k] == !Fixture.hasVoxel(mask, equalTo: false, within: distance, of: p))
                #expect(dilated[i, j, k])
            } else {
                #expect(!eroded[i, j, k])
                #expect(dilated[i, j, k] == Fixture.hasVoxel(mask, equalTo: true, within: distance, of: p))
            }
        } } }
    }
}

@Test func dilationOfOneVoxelIsTheSymmetricBallOfVoxelCentres() {
    let geometry = Fixture.geometry(15, 15, 15)
    let point = Fixture.mask(geometry) { $0 == SIMD3(7, 7, 7) }
    let ball = MaskMorphology.dilated(point, by: 3)
    // Integer points with x² + y² + z² ≤ 9: 123.
    #expect(Fixture.count(ball) == 123)
    for k in 0..<15 { for j in 0..<15 { for i in 0..<15 {
        #expect(ball[i, j, k] == ball[14 - i, j, k] && ball[i, j, k] == ball[i, 14 - j, k] && ball[i, j, k] == ball[i, j, 14 - k])
        #expect(ball[i, j, k] == ball[j, i, k] && ball[i, j, k] == ball[k, j, i])
    } } }
    // Erosion by the same distance gives the single voxel back.
    #expect(MaskMorphology.eroded(ball, by: 3).voxels == point.voxels)
}

@Test func onlyVoxelsOnTheGridCount() {
    // A ROI filling the grid has no outside to erode from; a single-slice ROI erodes in plane only.
    let full = Fixture.mask(Fixture.geometry(6, 6, 6)) { _ in true }
    #expect(MaskMorphology.eroded(full, by: 1).voxels == full.voxels)
    #expect(MaskMorphology.dilated(full, by: 5).voxels == full.voxels)
    let slice = Fixture.geometry(9, 9, 1, spacing: SIMD3(1, 1, 3))
    let square = Fixture.mask(slice) { p in p.x >= 2 && p.x <= 6 && p.y >= 2 && p.y <= 6 }
    #expect(MaskMorphology.eroded(square, by: 1).voxels == Fixture.mask(slice) { p in p.x >= 3 && p.x <= 5 && p.y >= 3 && p.y <= 5 }.voxels)
    let shrunk = MaskMorphology.adaptingVolume(of: square, by: -0.64)
    #expect(shrunk.count == 9)
}

/// The ordering key of a voxel for volume adaptation, by brute force: squared distance (mm²) to the nearest voxel on
/// the other side (searched within `reach` voxels, +∞ beyond) and the number of 26 neighbours on the other side.
private func adaptationKey(_ mask: Volume<Bool>, _ p: SIMD3<Int>, reach: Int) -> (squaredDistance: Double, across: Int) {
    let side = mask[p.x, p.y, p.z]
    var best = Double.infinity
    var across = 0
    for k in (p.z - reach)...(p.z + reach) { for j in (p.y - reach)...(p.y + reach) { for i in (p.x - reach)...(p.x + reach) {
        guard mask.size.contains(i, j, k), mask[i, j, k] != side else { continue }
        let offset = SIMD3(i, j, k) &- p
        let d = SIMD3<Double>(offset) * mask.geometry.spacing
        best = min(best, (d * d).sum())
        if abs(offset.x) <= 1 && abs(offset.y) <= 1 && abs(offset.z) <= 1 { across += 1 }
    } } }
    return (best, across)
}

@Test(arguments: [0.15, -0.15, 0.4, -0.5])
func volumeAdaptationHitsTheClosestAchievableCount(fraction: Double) {
    let geometry = Fixture.geometry(28, 28, 28)
    let sphere = Fixture.sphere(geometry, centre: SIMD3(13.2, 13.6, 14.1), radius: 7.5)
    let n = Fixture.count(sphere)
    let adaptation = MaskMorphology.adaptingVolume(of: sphere, by: fraction)
    #expect(!adaptation.isClamped)
    #expect(adaptation.originalCount == n)
    #expect(adaptation.targetCount == Int(((1 + fraction) * Double(n)).rounded()))
    #expect(Fixture.count(adaptation.mask) == adaptation.count)
    // Brute force: the keys of the voxels that may change, then the closest count at a change of key.
    let grow = fraction > 0
    var keys: [(squaredDistance: Double, across: Int, voxel: SIMD3<Int>)] = []
    // The sphere spans voxels 6...21; every candidate within 3 voxels of it lies in 3..<25.
    for k in 3..<25 { for j in 3..<25 { for i in 3..<25 where sphere[i, j, k] != grow {
        let key = adaptationKey(sphere, SIMD3(i, j, k), reach: 3)
        if key.squaredDistance.isFinite { keys.append((key.squaredDistance, key.across, SIMD3(i, j, k))) }
    } } }
    keys.sort { ($0.squaredDistance, -$0.across) < ($1.squaredDistance, -$1.across) }
    var steps = [0]
    for index in keys.indices where index + 1 == keys.count || keys[index + 1].squaredDistance != keys[index].squaredDistance
        || keys[index + 1].across != keys[index].across {
        steps.append(index + 1)
    }
    let needed = abs(adaptation.targetCount - n)
    let best = steps.min { abs($0 - needed) < abs($1 - needed) }!
    #expect(adaptation.count == n + (grow ? best : -best))
    // The changed voxels are exactly the first `best` in key order.
    var expected = sphere
    for key in keys[..<best] { expected[key.voxel.x, key.voxel.y, key.voxel.z] = grow }
    #expect(adaptation.mask.voxels == expected.voxels)
    #expect(abs(adaptation.achievedFraction - fraction) < 0.02)
}

@Test func volumeAdaptationKeepsAtLeastOneFifthOfTheROI() throws {
    let geometry = Fixture.geometry(24, 24, 24)
    let sphere = Fixture.sphere(geometry, centre: SIMD3(12, 12, 12), radius: 8)
    let n = Fixture.count(sphere)
    let adaptation = MaskMorphology.adaptingVolume(of: sphere, by: -0.95)
    #expect(adaptation.isClamped)
    #expect(adaptation.targetFraction == -0.8)
    #expect(adaptation.count * 5 >= n)
    #expect(adaptation.count > 0)
    let image = Fixture.image(geometry) { _ in 0 }
    let result = try Perturbation.volumeAdaptation(fraction: -0.95).apply(to: image, mask: sphere, seed: 1)
    #expect(result.notes.contains { $0.contains("clamped to -0.8") })
    #expect(result.mask.voxels == adaptation.mask.voxels)
}

@Test func growthWidensItsWindowAndStopsAtTheGrid() {
    // A slab on the bottom of the grid can only grow upwards: 20 more layers are needed, farther than the first
    // window (twice the radius change of a sphere of that volume) reaches.
    let geometry = Fixture.geometry(20, 20, 30)
    let slab = Fixture.mask(geometry) { $0.z < 2 }
    let grown = MaskMorphology.adaptingVolume(of: slab, by: 10)
    #expect(grown.count == 8800)
    #expect(grown.mask.voxels == Fixture.mask(geometry) { $0.z < 22 }.voxels)
    let everything = MaskMorphology.adaptingVolume(of: slab, by: 20)
    #expect(everything.count == 12000)
    #expect(everything.mask.voxels.allSatisfy { $0 })
    // A voxel in a corner: the window covers the grid once its margin spans each axis (19 mm), while the far corner
    // lies √3 times farther; it must still be reached.
    let corner = Fixture.mask(Fixture.geometry(20, 20, 20)) { $0 == .zero }
    #expect(MaskMorphology.adaptingVolume(of: corner, by: 7999).mask.voxels.allSatisfy { $0 })
}
