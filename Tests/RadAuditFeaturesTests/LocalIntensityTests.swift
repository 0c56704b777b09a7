import Foundation
import RadAuditTestSupport
import Testing
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditFeatures

@Suite struct LocalIntensityTests {
    @Test func digitalPhantomMatchesEveryReferenceValue() throws {
        let features = LocalIntensityFeatures.compute(DigitalPhantom.region)
        let references = try ReferenceValue.load(familyPrefix: "Local intensity features")
        #expect(references.count == 2)
        let mismatches = ReferenceValue.mismatches(features, against: references)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        #expect(features.map(\.code) == ["VJGA", "0F91"])
        #expect(features.allSatisfy { $0.family == .localIntensity && $0.aggregation == .none })
    }

    @Test func sphereRadiusHoldsOneCubicCentimetre() {
        let r = LocalIntensityFeatures.peakRadius
        #expect(abs(4 / 3 * Double.pi * r * r * r - 1000) < 1e-9)
    }

    /// Sphere means by visiting every image voxel.
    func bruteForceMeans(_ region: RegionOfInterest, radius: Double) -> [Int: Double] {
        let size = region.size, spacing = region.spacing
        var means: [Int: Double] = [:]
        for k in 0..<size.z {
            for j in 0..<size.y {
                for i in 0..<size.x where region.intensityMask[size.index(i, j, k)] {
                    var sum = 0.0, count = 0
                    for z in 0..<size.z {
                        for y in 0..<size.y {
                            for x in 0..<size.x {
                                let d = SIMD3(Double(x - i), Double(y - j), Double(z - k)) * spacing
                                if (d * d).sum() <= radius * radius {
                                    sum += region.image.voxels[size.index(x, y, z)]
                                    count += 1
                                }
                            }
                        }
                    }
                    means[size.index(i, j, k)] = sum / Double(count)
                }
            }
        }
        return means
    }

    /// The last example's grid is large enough for voxels whose whole sphere lies inside it.
    @Test(arguments: 0..<4)
    func peaksMatchBruteForce(example: Int) {
        let spacing = [SIMD3<Double>(1, 1, 1), SIMD3(0.8, 0.8, 3), SIMD3(2.5, 1.2, 0.6), SIMD3(2.5, 1.2, 0.6)][example]
        let seed = UInt64(31 + example)
        let size = example == 3 ? GridSize(x: 12, y: 14, z: 24) : GridSize(x: 16, y: 13, z: 9)
        var generator = MorphologyFixtures.Generator(state: seed)
        let image = (0..<size.count).map { _ in Double(Int.random(in: -50...50, using: &generator)) }
        let mask = MorphologyFixtures.randomMask(size, fraction: 0.3, seed: seed)
        let geometry = ImageGeometry(size: size, spacing: spacing)
        let region = RegionOfInterest(image: Volume(geometry: geometry, voxels: image),
                                      morphologicalMask: mask, intensityMask: mask)
        let means = bruteForceMeans(region, radius: LocalIntensityFeatures.peakRadius)
        let maximum = means.keys.map { image[$0] }.max()!
        let local = means.filter { image[$0.key] == maximum }.values.max()!
        let global = means.values.max()!
        let features = LocalIntensityFeatures.compute(region)
        #expect(abs(features[0].value - local) < 1e-9)
        #expect(abs(features[1].value - global) < 1e-9)
        let filter = SphericalMeanFilter(image: region.image, radius: LocalIntensityFeatures.peakRadius)
        let wrongMeans = means.filter { abs(filter.maximumMean(around: [$0.key]) - $0.value) >= 1e-9 }
        #expect(wrongMeans.isEmpty)
        // Neighbours along x, which the filter takes two at a time.
        let wrongPairs = means.filter { voxel, mean in
            guard let next = means[voxel + 1] else { return false }
            return abs(filter.maximumMean(around: [voxel, voxel + 1]) - max(mean, next)) >= 1e-9
        }
        #expect(wrongPairs.isEmpty)
    }

    @Test func tiedMaximaTakeTheHighestPeak() {
        // Two voxels of intensity 10 in a 1 mm grid; the neighbourhood of the second one is brighter.
        let size = GridSize(x: 30, y: 5, z: 5)
        var image = [Double](repeating: 0, count: size.count)
        image[size.index(5, 2, 2)] = 10
        image[size.index(20, 2, 2)] = 10
        image[size.index(21, 2, 2)] = 9
        let mask = [Bool](repeating: true, count: size.count)
        let region = RegionOfInterest(
            image: Volume(geometry: ImageGeometry(size: size, spacing: SIMD3(1, 1, 1)), voxels: image),
            morphologicalMask: mask, intensityMask: mask)
        let filter = SphericalMeanFilter(image: region.image, radius: LocalIntensityFeatures.peakRadius)
        let expected = filter.maximumMean(around: [size.index(20, 2, 2)])
        #expect(expected > filter.maximumMean(around: [size.index(5, 2, 2)]))
        #expect(LocalIntensityFeatures.compute(region)[0].value == expected)
    }

    @Test func emptyMaskGivesNaN() {
        let size = GridSize(x: 2, y: 2, z: 2)
        let region = RegionOfInterest(
            image: Volume(geometry: ImageGeometry(size: size, spacing: SIMD3(1, 1, 1)),
                          voxels: [Double](repeating: 3, count: size.count)),
            morphologicalMask: [Bool](repeating: false, count: size.count),
            intensityMask: [Bool](repeating: false, count: size.count))
        #expect(LocalIntensityFeatures.compute(region).allSatisfy { $0.value.isNaN })
    }
}
