import Foundation
import RadAuditImageIO
import RadAuditPreprocessing

/// IBSI 1 morphological features (family HCUG), computed in 3D (aggregation DHQ4), lengths in mm.
///
/// Shape comes from the morphological mask: the marching-cubes mesh (volume, area, bounding box, convex
/// hull, diameter) and the voxel-centre point set (voxel-counting volume, principal axes, geometric
/// centre). Intensities come from the intensity mask (centre of mass shift, integrated intensity,
/// Moran's I, Geary's C). Features are rotation and translation invariant, so positions are taken on
/// the voxel grid scaled by the spacing (which may be anisotropic), without origin or direction.
///
/// Not computed: volume and area density of the oriented minimum bounding box (ZH1A, IQYR) and of the
/// minimum volume enclosing ellipsoid (SWZ1, BRI8), which IBSI defines only through approximation
/// algorithms and for which it has no reliable reference values.
///
/// Values are NaN where undefined: every feature of an empty morphological mask, intensity features
/// of an empty intensity mask, ratios with a zero denominator (e.g. axis ratios of a single voxel),
/// and Moran's I and Geary's C for fewer than two voxels or constant intensities.
public enum MorphologicalFeatures {
    /// All morphological features of `region`, in the order of the IBSI manual.
    public static func compute(_ region: RegionOfInterest) -> [Feature] {
        shape(region) + spatialAutocorrelation(region)
    }

    /// The features of shape and of intensity within it: every morphological feature but the last two.
    ///
    /// - Parameter planeDiameters: also pyradiomics' maximum 2D diameters (not IBSI features; code empty), last: the
    ///   largest distance between two mesh vertices of one axial (`Maximum2DDiameterSlice`), coronal (`…Column`)
    ///   and sagittal (`…Row`) plane of the grid (pyradiomics, `shape.py`; its planes are named after the numpy axes
    ///   z, y, x), from the same mesh.
    public static func shape(_ region: RegionOfInterest, planeDiameters: Bool = false) -> [Feature] {
        let shape = RegionMorphology(region)
        let values: [(String, String, Double)] = [
            ("Volume (mesh)", "RNU0", shape.volume),
            ("Volume (voxel counting)", "YEKZ", shape.voxelCountingVolume),
            ("Surface area (mesh)", "C0JK", shape.area),
            ("Surface to volume ratio", "2PR5", shape.surfaceToVolumeRatio),
            ("Compactness 1", "SKGS", shape.compactness1),
            ("Compactness 2", "BQWJ", shape.compactness2),
            ("Spherical disproportion", "KRCK", shape.sphericalDisproportion),
            ("Sphericity", "QCFX", shape.sphericity),
            ("Asphericity", "25C7", shape.asphericity),
            ("Centre of mass shift", "KLMA", shape.centreOfMassShift),
            ("Maximum 3D diameter", "L0JK", shape.maximumDiameter),
            ("Major axis length", "TDIC", shape.majorAxisLength),
            ("Minor axis length", "P9VJ", shape.minorAxisLength),
            ("Least axis length", "7J51", shape.leastAxisLength),
            ("Elongation", "Q3CK", shape.elongation),
            ("Flatness", "N17B", shape.flatness),
            ("Volume density (axis-aligned bounding box)", "PBX1", shape.boundingBoxVolumeDensity),
            ("Area density (axis-aligned bounding box)", "R59B", shape.boundingBoxAreaDensity),
            ("Volume density (approximate enclosing ellipsoid)", "6BDE", shape.ellipsoidVolumeDensity),
            ("Area density (approximate enclosing ellipsoid)", "RDD2", shape.ellipsoidAreaDensity),
            ("Volume density (convex hull)", "R3ER", shape.convexHullVolumeDensity),
            ("Area density (convex hull)", "7T7F", shape.convexHullAreaDensity),
            ("Integrated intensity", "99N0", shape.integratedIntensity),
        ]
        let diameters: [(String, String, Double)] = !planeDiameters ? [] : [("axial", 2), ("coronal", 1), ("sagittal", 0)].map {
            ("Maximum 2D diameter in the \($0.0) plane", "",
             shape.morphologicalVoxelCount == 0 ? .nan : shape.mesh.maximumDiameter(inPlanesNormalTo: $0.1))
        }
        return (values + diameters).map { Feature(family: .morphology, name: $0.0, code: $0.1, value: $0.2) }
    }

    /// Moran's I and Geary's C, the last two morphological features: sums over every pair of voxels of the
    /// intensity mask, the costliest part of the family (see ``SpatialAutocorrelation``).
    public static func spatialAutocorrelation(_ region: RegionOfInterest) -> [Feature] {
        let autocorrelation = SpatialAutocorrelation(intensities: region.image.voxels, mask: region.intensityMask,
                                                     size: region.size, spacing: region.spacing)
        return [
            Feature(family: .morphology, name: "Moran's I index", code: "N365", value: autocorrelation.moransI),
            Feature(family: .morphology, name: "Geary's C measure", code: "NPT7", value: autocorrelation.gearysC),
        ]
    }
}

/// The shape descriptions of a region from which the morphological features but Moran's I and Geary's C are
/// computed: its mesh, the mesh's convex hull, the principal-component variances of the voxel centres and the
/// intensity summaries.
struct RegionMorphology {
    /// Marching-cubes mesh of the morphological mask.
    let mesh: TriangleMesh
    /// `V`, the mesh volume (mm³, RNU0).
    let volume: Double
    /// `A`, the mesh surface area (mm², C0JK).
    let area: Double
    /// Convex hull of the mesh vertices.
    let hull: ConvexHull
    /// Number of voxels in the morphological mask.
    let morphologicalVoxelCount: Int
    /// Volume of one voxel (mm³).
    let voxelVolume: Double
    /// Principal-component variances `λ_major ≥ λ_minor ≥ λ_least` (mm²) of the morphological voxel
    /// centres: eigenvalues of their sample covariance matrix (normalised by `N − 1`, which the IBSI
    /// reference values follow); 0 for a single voxel.
    let principalVariances: SIMD3<Double>
    /// Geometric centre of the morphological voxel centres (mm).
    let geometricCentre: SIMD3<Double>
    /// Intensity-weighted centre of the intensity-mask voxel centres (mm).
    let intensityWeightedCentre: SIMD3<Double>
    /// Mean intensity over the intensity mask.
    let meanIntensity: Double

    init(_ region: RegionOfInterest) {
        let size = region.size, spacing = region.spacing
        mesh = MarchingCubes.mesh(of: region.morphologicalMask, size: size, spacing: spacing)
        volume = mesh.volume
        area = mesh.area
        hull = ConvexHull(points: Self.hullCandidates(of: mesh), scale: mesh.latticeScale)
        voxelVolume = spacing.x * spacing.y * spacing.z

        var count = 0
        var centre = SIMD3<Double>.zero
        Self.forEachVoxel(in: region.morphologicalMask, size: size) { _, position in
            count += 1
            centre += position
        }
        morphologicalVoxelCount = count
        centre = centre * spacing / Double(count)
        geometricCentre = centre
        var scatter = [Double](repeating: 0, count: 9)
        Self.forEachVoxel(in: region.morphologicalMask, size: size) { _, position in
            let d = position * spacing - centre
            for r in 0..<3 {
                for c in 0..<3 { scatter[3 * r + c] += d[r] * d[c] }
            }
        }
        principalVariances = count < 2 ? SIMD3(repeating: count == 0 ? .nan : 0)
                                       : Self.symmetricEigenvalues(scatter.map { $0 / Double(count - 1) })

        var intensityCount = 0
        var intensitySum = 0.0
        var weightedPosition = SIMD3<Double>.zero
        region.image.voxels.withUnsafeBufferPointer { image in
            Self.forEachVoxel(in: region.intensityMask, size: size) { index, position in
                intensityCount += 1
                intensitySum += image[index]
                weightedPosition += image[index] * position
            }
        }
        meanIntensity = intensitySum / Double(intensityCount)
        intensityWeightedCentre = intensitySum == 0 ? SIMD3(repeating: .nan) : weightedPosition * spacing / intensitySum
    }

    // MARK: Volume and area

    /// Volume (voxel counting), YEKZ: `N_v,m · V_voxel`.
    var voxelCountingVolume: Double { Double(morphologicalVoxelCount) * voxelVolume }

    /// Surface to volume ratio, 2PR5: `A / V`.
    var surfaceToVolumeRatio: Double { quotient(area, volume) }

    /// Compactness 1, SKGS: `V / (π^{1/2} · A^{3/2})`.
    var compactness1: Double { quotient(volume, Double.pi.squareRoot() * pow(area, 1.5)) }

    /// Compactness 2, BQWJ: `36π · V² / A³`.
    var compactness2: Double { quotient(36 * .pi * volume * volume, pow(area, 3)) }

    /// Spherical disproportion, KRCK: `A / (36π V²)^{1/3}`.
    var sphericalDisproportion: Double { quotient(area, cbrt(36 * .pi * volume * volume)) }

    /// Sphericity, QCFX: `(36π V²)^{1/3} / A`.
    var sphericity: Double { quotient(cbrt(36 * .pi * volume * volume), area) }

    /// Asphericity, 25C7: `(A³ / (36π V²))^{1/3} − 1`.
    var asphericity: Double { cbrt(quotient(pow(area, 3), 36 * .pi * volume * volume)) - 1 }

    // MARK: Position and extent

    /// Centre of mass shift, KLMA: `‖CoM_geom − CoM_gl‖`, the distance between the centre of the
    /// morphological voxel centres and the intensity-weighted centre of the intensity-mask voxels.
    var centreOfMassShift: Double { (geometricCentre - intensityWeightedCentre).euclideanNorm }

    /// Maximum 3D diameter, L0JK: the largest distance between two mesh vertices (found among the
    /// convex hull vertices).
    var maximumDiameter: Double { morphologicalVoxelCount == 0 ? .nan : hull.diameter }

    // MARK: Principal components

    /// Major axis length, TDIC: `4 √λ_major`.
    var majorAxisLength: Double { 4 * principalVariances[0].squareRoot() }

    /// Minor axis length, P9VJ: `4 √λ_minor`.
    var minorAxisLength: Double { 4 * principalVariances[1].squareRoot() }

    /// Least axis length, 7J51: `4 √λ_least`.
    var leastAxisLength: Double { 4 * principalVariances[2].squareRoot() }

    /// Elongation, Q3CK: `√(λ_minor / λ_major)`.
    var elongation: Double { quotient(principalVariances[1], principalVariances[0]).squareRoot() }

    /// Flatness, N17B: `√(λ_least / λ_major)`.
    var flatness: Double { quotient(principalVariances[2], principalVariances[0]).squareRoot() }

    // MARK: Densities

    /// Side lengths (mm) of the axis-aligned bounding box of the mesh vertices.
    var boundingBoxExtent: SIMD3<Double> {
        guard let bounds = mesh.latticeBounds else { return .zero }
        return SIMD3<Double>(bounds.upper &- bounds.lower) * mesh.latticeScale
    }

    /// Volume density (AABB), PBX1: `V / V_aabb`.
    var boundingBoxVolumeDensity: Double {
        let e = boundingBoxExtent
        return quotient(volume, e.x * e.y * e.z)
    }

    /// Area density (AABB), R59B: `A / A_aabb`, with `A_aabb = 2(ab + bc + ca)` for box sides `a, b, c`.
    var boundingBoxAreaDensity: Double {
        let e = boundingBoxExtent
        return quotient(area, 2 * (e.x * e.y + e.y * e.z + e.z * e.x))
    }

    /// Semi-axes `a ≥ b ≥ c` of the approximate enclosing ellipsoid: `2 √λ`.
    var ellipsoidSemiAxes: SIMD3<Double> { 2 * principalVariances.squareRoot() }

    /// Volume density (AEE), 6BDE: `3V / (4π abc)`.
    var ellipsoidVolumeDensity: Double {
        let s = ellipsoidSemiAxes
        return quotient(3 * volume, 4 * .pi * s.x * s.y * s.z)
    }

    /// Area density (AEE), RDD2: `A / A_aee`, with the ellipsoid surface area from the IBSI series
    /// (see `ellipsoidSurfaceArea(semiAxes:)`).
    var ellipsoidAreaDensity: Double { quotient(area, Self.ellipsoidSurfaceArea(semiAxes: ellipsoidSemiAxes)) }

    /// Volume density (convex hull), R3ER: `V / V_convex`.
    var convexHullVolumeDensity: Double { quotient(volume, hull.volume) }

    /// Area density (convex hull), 7T7F: `A / A_convex`.
    var convexHullAreaDensity: Double { quotient(area, hull.area) }

    // MARK: Intensity

    /// Integrated intensity, 99N0: `V · mean(X_gl)`.
    var integratedIntensity: Double { volume * meanIntensity }

    // MARK: Helpers

    /// `a / b`, or NaN when `b` is zero.
    private func quotient(_ a: Double, _ b: Double) -> Double { b == 0 ? .nan : a / b }

    /// Calls `body(index, (i, j, k))` for every `true` voxel of `mask`.
    private static func forEachVoxel(in mask: [Bool], size: GridSize,
                                     _ body: (Int, SIMD3<Double>) -> Void) {
        mask.withUnsafeBufferPointer { inside in
            var index = 0
            for k in 0..<size.z {
                for j in 0..<size.y {
                    for i in 0..<size.x {
                        if inside[index] { body(index, SIMD3(Double(i), Double(j), Double(k))) }
                        index += 1
                    }
                }
            }
        }
    }

    /// The mesh vertices that can be convex hull vertices: on each lattice line along x, only the
    /// first and last vertex (points between two others on a line are not extreme).
    private static func hullCandidates(of mesh: TriangleMesh) -> [SIMD3<Int64>] {
        guard let bounds = mesh.latticeBounds else { return [] }
        let lines = SIMD2(Int(bounds.upper.y - bounds.lower.y) + 1, Int(bounds.upper.z - bounds.lower.z) + 1)
        var first = [Int32](repeating: .max, count: lines.x * lines.y)
        var last = [Int32](repeating: .min, count: lines.x * lines.y)
        for v in mesh.latticeVertices {
            let line = Int(v.y - bounds.lower.y) + lines.x * Int(v.z - bounds.lower.z)
            first[line] = min(first[line], v.x)
            last[line] = max(last[line], v.x)
        }
        var candidates: [SIMD3<Int64>] = []
        for line in first.indices where first[line] <= last[line] {
            let y = Int64(bounds.lower.y) + Int64(line % lines.x), z = Int64(bounds.lower.z) + Int64(line / lines.x)
            candidates.append(SIMD3(Int64(first[line]), y, z))
            if last[line] != first[line] { candidates.append(SIMD3(Int64(last[line]), y, z)) }
        }
        return candidates
    }

    /// Eigenvalues of a symmetric 3×3 matrix (row-major), largest first, by cyclic Jacobi rotations;
    /// rounding below zero is clamped to 0.
    static func symmetricEigenvalues(_ matrix: [Double]) -> SIMD3<Double> {
        var a = matrix
        for _ in 0..<64 {
            let offDiagonal = a[1] * a[1] + a[2] * a[2] + a[5] * a[5]
            let diagonal = a[0] * a[0] + a[4] * a[4] + a[8] * a[8]
            if offDiagonal <= 1e-30 * diagonal { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] where a[3 * p + q] != 0 {
                // Rotation in the (p, q) plane that zeroes a[p][q].
                let theta = (a[3 * q + q] - a[3 * p + p]) / (2 * a[3 * p + q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for r in 0..<3 {
                    let arp = a[3 * r + p], arq = a[3 * r + q]
                    a[3 * r + p] = c * arp - s * arq
                    a[3 * r + q] = s * arp + c * arq
                }
                for r in 0..<3 {
                    let apr = a[3 * p + r], aqr = a[3 * q + r]
                    a[3 * p + r] = c * apr - s * aqr
                    a[3 * q + r] = s * apr + c * aqr
                }
            }
        }
        let values = [a[0], a[4], a[8]].map { max(0, $0) }.sorted(by: >)
        return SIMD3(values[0], values[1], values[2])
    }

    /// Surface area of an ellipsoid with semi-axes `a ≥ b ≥ c` by the IBSI series (RDD2), stopped
    /// after `ν = 20`: `4π ab Σ_ν (αβ)^ν / (1 − 4ν²) · P_ν((α² + β²) / (2αβ))`, with
    /// `α = √(1 − b²/a²)`, `β = √(1 − c²/a²)` and `P_ν` the Legendre polynomials. The products
    /// `g_ν = (αβ)^ν P_ν(x)` follow from Bonnet's recursion multiplied through by `(αβ)^{ν+1}`:
    /// `(ν+1) g_{ν+1} = (2ν+1) (α²+β²)/2 · g_ν − ν (αβ)² g_{ν−1}`, finite also when `αβ = 0`.
    /// NaN when `a` is zero.
    ///
    /// This is the series exactly as IBSI writes it, which the reference values follow. It is not the
    /// true surface area of the ellipsoid (that series takes `α = √(1 − c²/a²)`, `β = √(1 − c²/b²)`):
    /// for a prolate spheroid with `b = c = 0.8a` it gives about 7 % less.
    static func ellipsoidSurfaceArea(semiAxes: SIMD3<Double>) -> Double {
        let (a, b, c) = (semiAxes.x, semiAxes.y, semiAxes.z)
        guard a > 0 else { return .nan }
        let alpha2 = max(0, 1 - b * b / (a * a)), beta2 = max(0, 1 - c * c / (a * a))
        let halfSum = (alpha2 + beta2) / 2, product2 = alpha2 * beta2
        var previous = 1.0, current = halfSum
        var series = 1.0 + current / (1 - 4)
        for nu in 1..<20 {
            let n = Double(nu)
            let next = ((2 * n + 1) * halfSum * current - n * product2 * previous) / (n + 1)
            series += next / (1 - 4 * (n + 1) * (n + 1))
            (previous, current) = (current, next)
        }
        return 4 * .pi * a * b * series
    }
}
