import Foundation
import RadAuditImageIO
import RadAuditPreprocessing

/// IBSI 1 local intensity features (family 9ST6), computed in 3D (aggregation DHQ4).
///
/// Both features are means of the image over a 1 cm³ sphere centred on a voxel of the intensity mask.
/// The sphere draws on every image voxel whose centre lies in it, inside the ROI or not; only the
/// voxels of `region.image` are available, so the caller should pad the region's box by the sphere
/// radius (6.2 mm) where the image extends further. Near the box edge the mean is taken over the voxels
/// that exist.
///
/// Both values are NaN for an empty intensity mask.
public enum LocalIntensityFeatures {
    /// Radius (mm) of a sphere of 1 cm³: `(3 / 4π)^{1/3}` cm ≈ 6.2035 mm.
    public static let peakRadius = 10 * cbrt(3 / (4 * Double.pi))

    /// The local and global intensity peak of `region`, in the order of the IBSI manual:
    ///
    /// - Local intensity peak, VJGA: the mean intensity in the 1 cm³ sphere centred on the voxel of the
    ///   intensity mask with the highest intensity; where several voxels share that intensity, the
    ///   highest of their means.
    /// - Global intensity peak, 0F91: the highest mean intensity in the 1 cm³ sphere centred on any
    ///   voxel of the intensity mask.
    public static func compute(_ region: RegionOfInterest) -> [Feature] {
        let filter = SphericalMeanFilter(image: region.image, radius: peakRadius)
        var roiVoxels: [Int] = []
        var maximum = -Double.infinity
        for (index, inside) in region.intensityMask.enumerated() where inside {
            roiVoxels.append(index)
            maximum = max(maximum, region.image.voxels[index])
        }
        let brightest = roiVoxels.filter { region.image.voxels[$0] == maximum }
        return [
            Feature(family: .localIntensity, name: "Local intensity peak", code: "VJGA",
                    value: filter.maximumMean(around: brightest)),
            Feature(family: .localIntensity, name: "Global intensity peak", code: "0F91",
                    value: filter.maximumMean(around: roiVoxels)),
        ]
    }
}

/// Means of an image over the voxels whose centres lie within a sphere around a voxel centre.
///
/// The sphere is a stack of runs along `x`, one per `(Δy, Δz)` offset; each run's sum comes from the
/// prefix sums of the image row it covers, so one mean costs one subtraction per run (about `π r²`
/// divided by the in-plane voxel area) rather than one addition per voxel of the sphere. For a voxel
/// whose sphere lies inside the image, every run is whole and its prefix sums are at fixed offsets
/// from the voxel's own, so its mean takes no bounds checks.
struct SphericalMeanFilter {
    /// A run of the sphere: offsets `Δx` in `−halfWidth...halfWidth` at row offset `(Δy, Δz)`.
    struct Run: Hashable {
        var dy: Int
        var dz: Int
        var halfWidth: Int
    }

    let size: GridSize
    let runs: [Run]
    /// `rowPrefix[(n_x + 1)·row + i]` = sum of the first `i` voxels of image row `row = j + n_y·k`.
    private let rowPrefix: [Double]
    /// The largest `|Δx|`, `|Δy|`, `|Δz|` of the sphere.
    private let reach: SIMD3<Int>
    /// For each run, the offsets of its end and start prefix sums from the prefix position `(n_x + 1)·row + i`
    /// of the centre voxel, valid where the whole sphere lies inside the image.
    private let runOffsets: [(upper: Int, lower: Int)]
    /// Number of voxels of the whole sphere.
    private let sphereCount: Int

    /// A filter for `image` with a sphere of `radius` (mm); voxel centres at distance `≤ radius` count.
    init(image: Volume<Double>, radius: Double) {
        size = image.size
        let spacing = image.geometry.spacing
        var runs: [Run] = []
        let reach = SIMD3<Int>((SIMD3(repeating: radius) / spacing).rounded(.down))
        for dz in -reach.z...reach.z {
            for dy in -reach.y...reach.y {
                let offset = SIMD2(Double(dy) * spacing.y, Double(dz) * spacing.z)
                let remaining = radius * radius - (offset * offset).sum()
                guard remaining >= 0 else { continue }
                // The largest Δx with (Δx·s_x)² ≤ remaining, corrected for rounding of the square root.
                let reaches = { (dx: Int) in Double(dx) * spacing.x * Double(dx) * spacing.x <= remaining }
                var halfWidth = Int((remaining.squareRoot() / spacing.x).rounded(.down))
                while reaches(halfWidth + 1) { halfWidth += 1 }
                while halfWidth > 0 && !reaches(halfWidth) { halfWidth -= 1 }
                runs.append(Run(dy: dy, dz: dz, halfWidth: halfWidth))
            }
        }
        self.runs = runs

        let (nx, rowCount) = (size.x, size.y * size.z)
        let rowLength = nx + 1
        self.reach = SIMD3(runs.map(\.halfWidth).max() ?? 0, reach.y, reach.z)
        runOffsets = runs.map { [ny = size.y] run in
            let row = rowLength * (run.dy + ny * run.dz)
            return (row + run.halfWidth + 1, row - run.halfWidth)
        }
        sphereCount = runs.reduce(0) { $0 + 2 * $1.halfWidth + 1 }
        var prefix = [Double](repeating: 0, count: rowLength * rowCount)
        image.voxels.withUnsafeBufferPointer { voxels in
            for row in 0..<rowCount {
                var sum = 0.0
                for i in 0..<nx {
                    sum += voxels[nx * row + i]
                    prefix[rowLength * row + i + 1] = sum
                }
            }
        }
        rowPrefix = prefix
    }

    /// The highest sphere mean over the voxels at linear `indices`; NaN if there are none.
    func maximumMean(around indices: [Int]) -> Double {
        guard !indices.isEmpty else { return .nan }
        let (nx, ny, nz) = (size.x, size.y, size.z)
        let rowLength = nx + 1
        let interior = (lower: reach, upper: SIMD3(nx, ny, nz) &- reach)
        var best = -Double.infinity
        rowPrefix.withUnsafeBufferPointer { prefix in
            runs.withUnsafeBufferPointer { runs in
            runOffsets.withUnsafeBufferPointer { runOffsets in
                var position = 0
                while position < indices.count {
                    let index = indices[position]
                    position += 1
                    precondition(index >= 0 && index < size.count, "voxel index outside the image")
                    let i = index % nx, j = (index / nx) % ny, k = index / (nx * ny)
                    if all(SIMD3(i, j, k) .>= interior.lower .& SIMD3(i, j, k) .< interior.upper) {
                        let centre = prefix.baseAddress! + (rowLength &* (j &+ ny &* k) &+ i)
                        // The next voxel along x, if it is next in `indices` and interior too: both at once.
                        if position < indices.count && indices[position] == index &+ 1 && i &+ 1 < interior.upper.x {
                            position += 1
                            var sums = SIMD2<Double>.zero
                            for run in runOffsets {
                                sums += UnsafeRawPointer(centre + run.upper).loadUnaligned(as: SIMD2<Double>.self)
                                    - UnsafeRawPointer(centre + run.lower).loadUnaligned(as: SIMD2<Double>.self)
                            }
                            best = max(best, sums.max() / Double(sphereCount))
                        } else {
                            var sum = 0.0
                            for run in runOffsets { sum += centre[run.upper] - centre[run.lower] }
                            best = max(best, sum / Double(sphereCount))
                        }
                        continue
                    }
                    var sum = 0.0
                    var count = 0
                    for run in runs {
                        let y = j &+ run.dy, z = k &+ run.dz
                        guard y >= 0 && y < ny && z >= 0 && z < nz else { continue }
                        let lower = max(0, i &- run.halfWidth), upper = min(nx, i &+ run.halfWidth &+ 1)
                        let row = rowLength &* (y &+ ny &* z)
                        sum += prefix[row &+ upper] - prefix[row &+ lower]
                        count &+= upper &- lower
                    }
                    best = max(best, sum / Double(count))
                }
            }
            }
        }
        return best
    }
}
