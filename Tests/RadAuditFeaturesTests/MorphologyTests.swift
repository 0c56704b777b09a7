import Foundation
import RadAuditTestSupport
import RadAuditCore
import Testing
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditFeatures

/// Reproducible random inputs for the morphology and local intensity tests.
enum MorphologyFixtures {
    /// A small deterministic pseudo-random generator (SplitMix64).
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A random mask on `size` with roughly `fraction` of the voxels inside.
    static func randomMask(_ size: GridSize, fraction: Double, seed: UInt64) -> [Bool] {
        var generator = Generator(state: seed)
        return (0..<size.count).map { _ in Double.random(in: 0..<1, using: &generator) < fraction }
    }
}

@Suite struct MorphologyTests {
    @Test func digitalPhantomMatchesEveryReferenceValue() throws {
        let features = MorphologicalFeatures.compute(DigitalPhantom.region)
        let references = try ReferenceValue.load(familyPrefix: "Morphological features")
        #expect(references.count == 25)
        let mismatches = ReferenceValue.mismatches(features, against: references)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test func featuresComeInManualOrderWithUniqueCodes() {
        let features = MorphologicalFeatures.compute(DigitalPhantom.region)
        #expect(features.count == 25)
        #expect(features.first?.code == "RNU0" && features.last?.code == "NPT7")
        #expect(Set(features.map(\.code)).count == features.count)
        #expect(features.allSatisfy { $0.family == .morphology && $0.aggregation == .none })
    }

    @Test func paddingTheBoxChangesNothing() {
        let phantom = DigitalPhantom.region
        let size = GridSize(x: 8, y: 7, z: 6)
        var image = [Double](repeating: 0, count: size.count)
        var mask = [Bool](repeating: false, count: size.count)
        for k in 0..<4 {
            for j in 0..<4 {
                for i in 0..<5 {
                    let source = phantom.size.index(i, j, k), target = size.index(i + 2, j + 1, k + 1)
                    image[target] = phantom.image.voxels[source]
                    mask[target] = phantom.morphologicalMask[source]
                }
            }
        }
        let padded = RegionOfInterest(
            image: Volume(geometry: ImageGeometry(size: size, spacing: phantom.spacing), voxels: image),
            morphologicalMask: mask, intensityMask: mask)
        for (a, b) in zip(MorphologicalFeatures.compute(phantom), MorphologicalFeatures.compute(padded)) {
            #expect(abs(a.value - b.value) <= 1e-9 * max(1, abs(a.value)), "\(a.name)")
        }
    }

    @Test func emptyMaskGivesNaNWithoutCrashing() {
        let size = GridSize(x: 3, y: 3, z: 3)
        let region = RegionOfInterest(
            image: Volume(geometry: ImageGeometry(size: size, spacing: SIMD3(1, 1, 1)),
                          voxels: [Double](repeating: 1, count: size.count)),
            morphologicalMask: [Bool](repeating: false, count: size.count),
            intensityMask: [Bool](repeating: false, count: size.count))
        let features = MorphologicalFeatures.compute(region)
        #expect(features.count == 25)
        #expect(features.filter { $0.code != "RNU0" && $0.code != "YEKZ" && $0.code != "C0JK" }
            .allSatisfy { $0.value.isNaN })
    }

    @Test func singleVoxelIsAnOctahedron() {
        let size = GridSize(x: 1, y: 1, z: 1)
        let spacing = SIMD3<Double>(1, 2, 3)
        let mesh = MarchingCubes.mesh(of: [true], size: size, spacing: spacing)
        #expect(mesh.latticeVertices.count == 6)
        #expect(mesh.triangles.count == 8)
        #expect(abs(mesh.volume - 6.0 / 6) < 1e-12)
        // Each face has two edges of half-diagonal lengths; area = 8 · ½ · |u × v| with u, v, w the half axes.
        let (u, v, w) = (0.5, 1.0, 1.5)
        let face = 0.5 * ((u * v) * (u * v) + (v * w) * (v * w) + (w * u) * (w * u)).squareRoot()
        #expect(abs(mesh.area - 8 * face) < 1e-12)
    }

    /// Whether every directed edge of `mesh` occurs once and its reverse once: a closed, consistently
    /// oriented surface.
    func isClosedAndOriented(_ mesh: TriangleMesh) -> Bool {
        var directed: [SIMD2<Int32>: Int] = [:]
        for t in mesh.triangles {
            for (a, b) in [(t.x, t.y), (t.y, t.z), (t.z, t.x)] { directed[SIMD2(a, b), default: 0] += 1 }
        }
        return directed.values.allSatisfy { $0 == 1 } && directed.keys.allSatisfy { directed[SIMD2($0.y, $0.x)] == 1 }
    }

    @Test func everyCubePatternGivesAClosedMesh() {
        // The 2×2×2 mask of pattern p puts p in the centre cube of the padded grid and its sub-patterns
        // in the cubes around it.
        let size = GridSize(x: 2, y: 2, z: 2)
        for pattern in 1..<256 {
            let mask = (0..<8).map { pattern & (1 << $0) != 0 }
            let mesh = MarchingCubes.mesh(of: mask, size: size, spacing: SIMD3(1, 1, 1))
            let closed = isClosedAndOriented(mesh)
            #expect(closed, "pattern \(pattern)")
        }
    }

    @Test func patternAndComplementShareTheirSurface() {
        // Without ambiguous faces (where the rule separates inside corners, not outside ones) and with
        // other than four corners inside, a pattern and its complement are triangulated into the same
        // surface (up to the split of planar quadrilaterals): equal area, opposite signed volume.
        let isAmbiguous = { (pattern: Int) in
            (0..<3).contains { axis in
                (0..<2).contains { side in
                    let u = (axis + 1) % 3, v = (axis + 2) % 3, base = side << axis
                    let corners = [base, base | 1 << u, base | 1 << u | 1 << v, base | 1 << v]
                    let inside = corners.map { pattern & (1 << $0) != 0 }
                    return inside[0] == inside[2] && inside[1] == inside[3] && inside[0] != inside[1]
                }
            }
        }
        let midpoint = { (edge: UInt8) -> SIMD3<Double> in
            let e = CubeTriangulation.edges[Int(edge)]
            var p = SIMD3<Double>(CubeTriangulation.cornerPosition(e.lowerCorner))
            p[e.axis] += 0.5
            return p
        }
        let measures = { (pattern: Int) -> (sixfoldVolume: Double, area: Double) in
            var result = (sixfoldVolume: 0.0, area: 0.0)
            for t in CubeTriangulation.table[pattern] {
                let (a, b, c) = (midpoint(t.x), midpoint(t.y), midpoint(t.z))
                result.sixfoldVolume += (a * b.crossProduct(c)).sum()
                result.area += (b - a).crossProduct(c - a).euclideanNorm / 2
            }
            return result
        }
        for pattern in 1..<255 where pattern.nonzeroBitCount != 4 && !isAmbiguous(pattern) {
            let (own, complement) = (measures(pattern), measures(255 - pattern))
            #expect(own.sixfoldVolume == -complement.sixfoldVolume, "pattern \(pattern)")
            #expect(abs(own.area - complement.area) < 1e-12, "pattern \(pattern)")
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func meshIsClosedAndOutwardOriented(seed: UInt64) {
        let size = GridSize(x: 7, y: 6, z: 5)
        let spacing = SIMD3<Double>(0.8, 1.1, 2.5)
        let mask = MorphologyFixtures.randomMask(size, fraction: 0.55, seed: seed)
        let mesh = MarchingCubes.mesh(of: mask, size: size, spacing: spacing)
        let closed = isClosedAndOriented(mesh)
        #expect(closed)
        // Outward normals: the signed volume is positive. The mesh runs through the voxels on the border
        // and separates diagonal neighbours, so it encloses less than the voxels do.
        var signed = 0.0
        for t in mesh.triangles {
            signed += (mesh.position(of: Int(t.x)) * mesh.position(of: Int(t.y))
                .crossProduct(mesh.position(of: Int(t.z)))).sum() / 6
        }
        let voxelVolume = spacing.x * spacing.y * spacing.z
        #expect(signed > 0)
        #expect(signed <= Double(mask.filter { $0 }.count) * voxelVolume)
        #expect(abs(signed - mesh.volume) < 1e-9)
    }

    @Test func solidBlockHasChamferedEdgesAndCorners() {
        // A solid n³ block of unit voxels: with s = x + ½ (and t, u likewise) the mesh is the box
        // [0, n]³ cut by the planes s + t = ½ along its 12 edges and s + t + u = 1 at its 8 corners.
        // Each edge prism has cross-section ⅛; within the unit box at a corner the cut-off part is the
        // tetrahedron (⅙) plus three prism pieces outside it (1/24 each): 7/24.
        let n = 6
        let size = GridSize(x: n, y: n, z: n)
        let mesh = MarchingCubes.mesh(of: [Bool](repeating: true, count: size.count), size: size,
                                      spacing: SIMD3(1, 1, 1))
        let side = Double(n)
        let expected = side * side * side - 12 * 0.125 * (side - 2) - 8 * 7.0 / 24
        #expect(abs(mesh.volume - expected) < 1e-9, "\(mesh.volume) vs \(expected)")
    }

    @Test(arguments: [11, 12, 13])
    func convexHullContainsEveryPoint(seed: UInt64) {
        var generator = MorphologyFixtures.Generator(state: seed)
        // Lattice points with many coplanar and collinear ones.
        let points = (0..<400).map { _ in
            SIMD3<Int64>(Int64.random(in: 0...6, using: &generator), Int64.random(in: 0...5, using: &generator),
                         Int64.random(in: 0...4, using: &generator))
        }
        let unique = Array(Set(points))
        let hull = ConvexHull(points: unique, scale: SIMD3(1, 1, 1))
        #expect(!hull.faces.isEmpty)
        for f in hull.faces {
            let a = unique[f.x], b = unique[f.y], c = unique[f.z]
            let u = b &- a, v = c &- a
            let normal = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
            #expect(normal != .zero)
            #expect(unique.allSatisfy { (normal &* ($0 &- a)).wrappedSum() <= 0 })
        }
        var directed: [SIMD2<Int>: Int] = [:]
        for f in hull.faces {
            for (a, b) in [(f.x, f.y), (f.y, f.z), (f.z, f.x)] { directed[SIMD2(a, b), default: 0] += 1 }
        }
        #expect(directed.values.allSatisfy { $0 == 1 })
        #expect(directed.keys.allSatisfy { directed[SIMD2($0.y, $0.x)] == 1 })
        // With ~400 draws in a 7×6×5 box every corner is almost surely present: the hull is the box.
        let corners = (0..<8).allSatisfy { c in
            unique.contains(SIMD3(c & 1 == 0 ? 0 : 6, c & 2 == 0 ? 0 : 5, c & 4 == 0 ? 0 : 4))
        }
        if corners {
            #expect(abs(hull.volume - 6 * 5 * 4) < 1e-9)
            #expect(abs(hull.area - 2 * (6 * 5 + 5 * 4 + 4 * 6)) < 1e-9)
            #expect(abs(hull.diameter - (36.0 + 25 + 16).squareRoot()) < 1e-12)
        }
    }

    @Test func convexHullOfScaledOctahedron() {
        let points: [SIMD3<Int64>] = [SIMD3(1, 0, 0), SIMD3(-1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, -1, 0),
                                      SIMD3(0, 0, 1), SIMD3(0, 0, -1), SIMD3(0, 0, 0)]
        let hull = ConvexHull(points: points, scale: SIMD3(2, 3, 4))
        #expect(hull.faces.count == 8)
        #expect(abs(hull.volume - 4.0 / 3 * 2 * 3 * 4) < 1e-12)
        #expect(abs(hull.diameter - 8) < 1e-12)
        #expect(Set(hull.vertexIndices) == Set(0..<6))
    }

    @Test func coplanarPointsGiveADegenerateHull() {
        let hull = ConvexHull(points: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(1, 1, 0)],
                              scale: SIMD3(1, 1, 1))
        #expect(hull.faces.isEmpty && hull.volume == 0 && hull.area == 0)
    }

    @Test func symmetricEigenvaluesOfKnownMatrix() {
        // Eigenvalues 6, 3, 1 rotated by an orthogonal matrix Q: A = Q diag Q^T.
        let q: [[Double]] = [[2.0 / 3, 1.0 / 3, 2.0 / 3], [-2.0 / 3, 2.0 / 3, 1.0 / 3], [1.0 / 3, 2.0 / 3, -2.0 / 3]]
        let d = [6.0, 3, 1]
        var a = [Double](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 { for n in 0..<3 { a[3 * r + c] += q[r][n] * d[n] * q[c][n] } } }
        let values = RegionMorphology.symmetricEigenvalues(a)
        #expect(abs(values[0] - 6) < 1e-12 && abs(values[1] - 3) < 1e-12 && abs(values[2] - 1) < 1e-12)
    }

    @Test func ellipsoidSurfaceSeries() {
        // Sphere: exactly 4πr².
        #expect(abs(RegionMorphology.ellipsoidSurfaceArea(semiAxes: SIMD3(3, 3, 3)) - 36 * .pi) < 1e-12)
        // General axes: the recursion on (αβ)^ν·P_ν(x) equals the series with P_ν(x) evaluated directly.
        let (a, b, c) = (3.0, 2.2, 1.5)
        let alpha = (1 - b * b / (a * a)).squareRoot(), beta = (1 - c * c / (a * a)).squareRoot()
        let x = (alpha * alpha + beta * beta) / (2 * alpha * beta)
        var legendre = [1.0, x]
        for nu in 1..<20 {
            legendre.append((Double(2 * nu + 1) * x * legendre[nu] - Double(nu) * legendre[nu - 1]) / Double(nu + 1))
        }
        let direct = 4 * .pi * a * b * (0...20).map { nu in
            pow(alpha * beta, Double(nu)) / Double(1 - 4 * nu * nu) * legendre[nu]
        }.reduce(0, +)
        let series = RegionMorphology.ellipsoidSurfaceArea(semiAxes: SIMD3(a, b, c))
        #expect(abs(series - direct) / direct < 1e-12)
    }
}

@Suite struct SpatialAutocorrelationTests {
    /// The naive DFT, for comparison.
    func naiveDFT(_ real: [Double], _ imaginary: [Double]) -> ([Double], [Double]) {
        let n = real.count
        var (outReal, outImaginary) = ([Double](repeating: 0, count: n), [Double](repeating: 0, count: n))
        for f in 0..<n {
            for t in 0..<n {
                let angle = -2 * Double.pi * Double((f * t) % n) / Double(n)
                outReal[f] += real[t] * cos(angle) - imaginary[t] * sin(angle)
                outImaginary[f] += real[t] * sin(angle) + imaginary[t] * cos(angle)
            }
        }
        return (outReal, outImaginary)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 8, 9, 12, 15, 16, 25, 30, 45, 60, 64, 100, 120, 160, 200])
    func fourierTransformMatchesNaiveDFT(length: Int) {
        var generator = MorphologyFixtures.Generator(state: UInt64(length))
        let real = (0..<length).map { _ in Double.random(in: -1...1, using: &generator) }
        let imaginary = (0..<length).map { _ in Double.random(in: -1...1, using: &generator) }
        let (expectedReal, expectedImaginary) = naiveDFT(real, imaginary)
        // Three interleaved copies of the sequence (the second one doubled) in one batch.
        var batchReal = [Double](repeating: 0, count: 3 * length), batchImaginary = batchReal
        for q in 0..<length {
            for k in 0..<3 {
                batchReal[k + 3 * q] = real[q] * Double(k == 1 ? 2 : 1)
                batchImaginary[k + 3 * q] = imaginary[q] * Double(k == 1 ? 2 : 1)
            }
        }
        var scratchReal = batchReal, scratchImaginary = batchReal
        FourierTransform(count: length).transform(real: &batchReal, imaginary: &batchImaginary, batch: 3,
                                                  scratchReal: &scratchReal, scratchImaginary: &scratchImaginary)
        var errors: [Double] = []
        for q in 0..<length {
            for k in 0..<3 {
                let factor = Double(k == 1 ? 2 : 1)
                errors.append(abs(batchReal[k + 3 * q] - factor * expectedReal[q]))
                errors.append(abs(batchImaginary[k + 3 * q] - factor * expectedImaginary[q]))
            }
        }
        #expect(errors.allSatisfy { $0 < 1e-12 * Double(length) })
    }

    @Test func fastLengthsHaveOnlySmallPrimeFactors() {
        #expect(FourierTransform.fastLength(atLeast: 1) == 1)
        #expect(FourierTransform.fastLength(atLeast: 7) == 8)
        #expect(FourierTransform.fastLength(atLeast: 11) == 12)
        #expect(FourierTransform.fastLength(atLeast: 97) == 100)
        #expect(FourierTransform.fastLength(atLeast: 199) == 200)
        #expect(FourierTransform.fastLength(atLeast: 1001) == 1024)
    }

    @Test(arguments: [GridSize(x: 4, y: 3, z: 5), GridSize(x: 1, y: 7, z: 2), GridSize(x: 6, y: 1, z: 1),
                      GridSize(x: 1, y: 1, z: 1), GridSize(x: 23, y: 11, z: 9), GridSize(x: 3, y: 2, z: 13),
                      GridSize(x: 1, y: 1, z: 11)])
    func evenKernelConvolutionMatchesDirectSum(size: GridSize) {
        var generator = MorphologyFixtures.Generator(state: UInt64(size.count))
        var real = (0..<size.count).map { _ in Double.random(in: -1...1, using: &generator) }
        var imaginary = (0..<size.count).map { _ in Double.random(in: -1...1, using: &generator) }
        let kernel = { (i: Int, j: Int, k: Int) -> Double in 1 / (1 + Double(i) + 2 * Double(j * j) + 0.5 * Double(k)) }
        var expected: [(Double, Double)] = []
        for k in 0..<size.z {
            for j in 0..<size.y {
                for i in 0..<size.x {
                    var sum = (0.0, 0.0)
                    for l in 0..<size.z {
                        for m in 0..<size.y {
                            for n in 0..<size.x {
                                let w = kernel(abs(i - n), abs(j - m), abs(k - l))
                                sum.0 += w * real[size.index(n, m, l)]
                                sum.1 += w * imaginary[size.index(n, m, l)]
                            }
                        }
                    }
                    expected.append(sum)
                }
            }
        }
        EvenKernelConvolution(size: size, kernel: kernel).convolve(real: &real, imaginary: &imaginary)
        // allSatisfy with `<` fails on NaN, where a running maximum would skip it.
        #expect((0..<size.count).allSatisfy {
            abs(real[$0] - expected[$0].0) < 1e-12 && abs(imaginary[$0] - expected[$0].1) < 1e-12
        })
    }

    /// Moran's I and Geary's C by their definitions, over all ordered pairs of distinct mask voxels.
    func bruteForce(intensities: [Double], mask: [Bool], size: GridSize,
                    spacing: SIMD3<Double>) -> (moran: Double, geary: Double) {
        var points: [(SIMD3<Double>, Double)] = []
        for k in 0..<size.z {
            for j in 0..<size.y {
                for i in 0..<size.x where mask[size.index(i, j, k)] {
                    points.append((SIMD3(Double(i), Double(j), Double(k)) * spacing, intensities[size.index(i, j, k)]))
                }
            }
        }
        let n = Double(points.count)
        let mean = points.map(\.1).reduce(0, +) / n
        let squares = points.map { ($0.1 - mean) * ($0.1 - mean) }.reduce(0, +)
        var weights = 0.0, products = 0.0, differences = 0.0
        for (a, x) in points {
            for (b, y) in points where a != b {
                let w = 1 / ((a - b) * (a - b)).sum().squareRoot()
                weights += w
                products += w * (x - mean) * (y - mean)
                differences += w * (x - y) * (x - y)
            }
        }
        return (n / weights * products / squares, (n - 1) / (2 * weights) * differences / squares)
    }

    @Test(arguments: 0..<4)
    func fourierSumsMatchBruteForce(example: Int) {
        let size = [GridSize(x: 7, y: 5, z: 4), GridSize(x: 3, y: 9, z: 2), GridSize(x: 6, y: 6, z: 1),
                    GridSize(x: 1, y: 1, z: 11)][example]
        let seed = UInt64(21 + example)
        var generator = MorphologyFixtures.Generator(state: seed)
        let spacing = SIMD3<Double>(0.7, 1.3, 2.9)
        let intensities = (0..<size.count).map { _ in Double.random(in: -300...900, using: &generator) }
        var mask = MorphologyFixtures.randomMask(size, fraction: 0.6, seed: seed)
        mask[0] = true
        mask[size.count - 1] = true
        let fast = SpatialAutocorrelation(intensities: intensities, mask: mask, size: size, spacing: spacing)
        let slow = bruteForce(intensities: intensities, mask: mask, size: size, spacing: spacing)
        #expect(abs(fast.moransI - slow.moran) <= 1e-10 * abs(slow.moran), "\(fast.moransI) vs \(slow.moran)")
        #expect(abs(fast.gearysC - slow.geary) <= 1e-10 * abs(slow.geary), "\(fast.gearysC) vs \(slow.geary)")
    }

    @Test func digitalPhantomByBruteForce() {
        let phantom = DigitalPhantom.region
        let fast = SpatialAutocorrelation(intensities: phantom.image.voxels, mask: phantom.intensityMask,
                                          size: phantom.size, spacing: phantom.spacing)
        let slow = bruteForce(intensities: phantom.image.voxels, mask: phantom.intensityMask,
                              size: phantom.size, spacing: phantom.spacing)
        #expect(abs(fast.moransI - slow.moran) <= 1e-10 * abs(slow.moran))
        #expect(abs(fast.gearysC - slow.geary) <= 1e-10 * abs(slow.geary))
    }

    @Test func undefinedForOneVoxelOrConstantIntensities() {
        let size = GridSize(x: 3, y: 3, z: 1)
        let one = SpatialAutocorrelation(intensities: [Double](repeating: 1, count: 9),
                                         mask: [false, false, false, false, true, false, false, false, false],
                                         size: size, spacing: SIMD3(1, 1, 1))
        #expect(one.moransI.isNaN && one.gearysC.isNaN)
        let flat = SpatialAutocorrelation(intensities: [Double](repeating: 5, count: 9),
                                          mask: [Bool](repeating: true, count: 9), size: size, spacing: SIMD3(1, 1, 1))
        #expect(flat.moransI.isNaN && flat.gearysC.isNaN)
    }
}
