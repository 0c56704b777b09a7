import Foundation
import RadAuditImageIO
import RadAuditPreprocessing

/// Erosion, dilation and volume adaptation of a ROI mask by Euclidean distances in millimetres between voxel centres,
/// exact on anisotropic grids.
///
/// Distances come from an exact Euclidean distance transform restricted to a window around the ROI, which is exact:
/// every voxel within the distance lies in the window. Only voxels on the image grid count: a ROI touching the border
/// of the image does not erode from there (as with nearest-value extrapolation), and the ROI of a single-slice image
/// erodes in plane only. Distances are compared with a relative tolerance of 10⁻⁹, so that a voxel exactly at the
/// distance (e.g. a face neighbour at 1 mm on a 1 mm grid) is within it.
public enum MaskMorphology {
    /// The mask without the voxels whose centre lies within `distance` mm of the centre of a voxel outside the ROI.
    public static func eroded(_ mask: Volume<Bool>, by distance: Double) -> Volume<Bool> {
        precondition(distance >= 0 && distance.isFinite, "the erosion distance must be finite and non-negative")
        guard distance > 0, let box = BoundingBox(of: mask.voxels, size: mask.size) else { return mask }
        // One voxel of outside around the ROI box holds a nearest outside voxel of every ROI voxel; voxels beyond the
        // grid read as inside, so that they are never the nearest outside voxel.
        let window = MaskWindow(around: box, margin: SIMD3(repeating: 1))
        let inside = window.extract(mask, beyondGrid: true)
        let depth = DistanceTransform.squaredDistances(to: inside.map(!), size: window.size, spacing: mask.geometry.spacing)
        let limit = squaredLimit(distance)
        var removed: [Int] = []
        window.forEachVoxelOnGrid(mask.size) { windowIndex in
            if inside[windowIndex] && depth[windowIndex] <= limit { removed.append(windowIndex) }
        }
        return window.updating(mask, settingTo: false, at: removed)
    }

    /// The mask with every voxel whose centre lies within `distance` mm of the centre of a ROI voxel.
    public static func dilated(_ mask: Volume<Bool>, by distance: Double) -> Volume<Bool> {
        precondition(distance >= 0 && distance.isFinite, "the dilation distance must be finite and non-negative")
        guard distance > 0, let box = BoundingBox(of: mask.voxels, size: mask.size) else { return mask }
        // Only voxels of the grid are added, so the window never needs to reach beyond the grid: a distance larger
        // than the image dilates to all of it.
        let size = SIMD3(mask.size.x, mask.size.y, mask.size.z)
        let window = MaskWindow(around: box, margin: pointwiseMin(margin(for: distance, spacing: mask.geometry.spacing), size))
        let inside = window.extract(mask, beyondGrid: false)
        let gap = DistanceTransform.squaredDistances(to: inside, size: window.size, spacing: mask.geometry.spacing)
        let limit = squaredLimit(distance)
        var added: [Int] = []
        window.forEachVoxelOnGrid(mask.size) { windowIndex in
            if !inside[windowIndex] && gap[windowIndex] <= limit { added.append(windowIndex) }
        }
        return window.updating(mask, settingTo: true, at: added)
    }

    /// The ROI grown or shrunk so that its voxel count is as close as possible to `(1 + fraction)·N` (N = the
    /// original voxel count), by thresholding the signed distance to its border: growing adds the outside voxels
    /// nearest to the ROI, shrinking removes the ROI voxels nearest to the outside.
    ///
    /// On a voxel grid many voxels share a distance (on a 1 mm grid every outside face neighbour is at 1 mm), so
    /// voxels at the same distance are further ordered by how many of their 26 neighbours lie on the other side of
    /// the border, most first: concavities fill first and protrusions go first. Voxels that agree on both keys change
    /// together, and the count is the one of these steps closest to the target.
    ///
    /// At least 20 % of the ROI (and at least one voxel) is always kept: a fraction below −0.8 is raised to −0.8 and
    /// the result says so (`isClamped`). Growth stops at the image grid.
    public static func adaptingVolume(of mask: Volume<Bool>, by fraction: Double) -> VolumeAdaptation {
        precondition(fraction.isFinite, "the volume fraction must be finite")
        let originalCount = mask.voxels.reduce(0) { $1 ? $0 + 1 : $0 }
        let targetFraction = max(fraction, VolumeAdaptation.smallestFraction)
        guard originalCount > 0, targetFraction != 0, let box = BoundingBox(of: mask.voxels, size: mask.size) else {
            return VolumeAdaptation(mask: mask, requestedFraction: fraction, targetFraction: targetFraction,
                                    originalCount: originalCount, targetCount: originalCount, count: originalCount)
        }
        let minimumCount = max(1, Int((VolumeAdaptation.smallestKept * Double(originalCount) - 1e-9).rounded(.up)))
        let targetCount = max(Int(((1 + targetFraction) * Double(originalCount)).rounded()), minimumCount)
        let result = targetFraction < 0
            ? shrunk(mask, box: box, originalCount: originalCount, targetCount: targetCount, minimumCount: minimumCount)
            : grown(mask, box: box, originalCount: originalCount, targetCount: targetCount, fraction: targetFraction)
        return VolumeAdaptation(mask: result.mask, requestedFraction: fraction, targetFraction: targetFraction,
                                originalCount: originalCount, targetCount: targetCount, count: result.count)
    }

    /// Removes the ROI voxels nearest to the outside.
    private static func shrunk(_ mask: Volume<Bool>, box: BoundingBox, originalCount: Int, targetCount: Int,
                               minimumCount: Int) -> (mask: Volume<Bool>, count: Int) {
        let window = MaskWindow(around: box, margin: SIMD3(repeating: 1))
        let inside = window.extract(mask, beyondGrid: true)
        let depth = DistanceTransform.squaredDistances(to: inside.map(!), size: window.size, spacing: mask.geometry.spacing)
        var candidates = AdaptationCandidates(inside: inside, size: window.size)
        window.forEachVoxelOnGrid(mask.size) { windowIndex in
            if inside[windowIndex] { candidates.add(windowIndex, squaredDistance: depth[windowIndex]) }
        }
        let removed = candidates.changeCount(closestTo: originalCount - targetCount, atMost: originalCount - minimumCount)
        return (window.updating(mask, settingTo: false, at: candidates.first(removed)), originalCount - removed)
    }

    /// Adds the outside voxels nearest to the ROI. The window around the ROI starts at twice the radius change of a
    /// sphere of the ROI's volume and doubles until it holds the target.
    private static func grown(_ mask: Volume<Bool>, box: BoundingBox, originalCount: Int, targetCount: Int,
                              fraction: Double) -> (mask: Volume<Bool>, count: Int) {
        let spacing = mask.geometry.spacing
        let needed = targetCount - originalCount
        let voxelVolume = spacing.x * spacing.y * spacing.z
        let radius = cbrt(3 * Double(originalCount) * voxelVolume / (4 * Double.pi))
        var reach = max(2 * radius * (cbrt(1 + fraction) - 1), 2 * spacing.max())
        while true {
            let window = MaskWindow(around: box, margin: margin(for: reach, spacing: spacing))
            let inside = window.extract(mask, beyondGrid: false)
            let gap = DistanceTransform.squaredDistances(to: inside, size: window.size, spacing: spacing)
            // Once the window holds the whole grid every voxel of the grid is a candidate, however far.
            let coversGrid = window.covers(mask.size)
            let limit = coversGrid ? Double.infinity : squaredLimit(reach)
            var candidates = AdaptationCandidates(inside: inside, size: window.size)
            window.forEachVoxelOnGrid(mask.size) { windowIndex in
                if !inside[windowIndex] && gap[windowIndex] <= limit {
                    candidates.add(windowIndex, squaredDistance: gap[windowIndex])
                }
            }
            // Every voxel within `reach` is in the window: the candidates are complete up to that distance.
            guard candidates.count >= needed || coversGrid else {
                reach *= 2
                continue
            }
            let added = candidates.changeCount(closestTo: needed, atMost: candidates.count)
            return (window.updating(mask, settingTo: true, at: candidates.first(added)), originalCount + added)
        }
    }

    /// `distance²` with the comparison tolerance.
    private static func squaredLimit(_ distance: Double) -> Double { distance * distance * (1 + 1e-9) }

    /// Voxels per axis beyond which every voxel centre is farther than `distance` from the box.
    private static func margin(for distance: Double, spacing: SIMD3<Double>) -> SIMD3<Int> {
        SIMD3((0..<3).map { Int(min((distance * (1 + 1e-9) / spacing[$0]).rounded(.down), Double(Int32.max))) + 1 })
    }
}

/// The outcome of `MaskMorphology.adaptingVolume(of:by:)`.
public struct VolumeAdaptation: Sendable {
    /// The lowest volume fraction applied: at least 20 % of the ROI is kept.
    public static let smallestFraction = -0.8
    static let smallestKept = 0.2

    public var mask: Volume<Bool>
    /// The fraction asked for.
    public var requestedFraction: Double
    /// The fraction aimed at: `requestedFraction`, raised to `smallestFraction` when it was below.
    public var targetFraction: Double
    /// ROI voxels before adaptation (N).
    public var originalCount: Int
    /// `(1 + targetFraction)·N`, rounded, and at least 20 % of N and 1.
    public var targetCount: Int
    /// ROI voxels after adaptation.
    public var count: Int

    /// Whether the requested fraction would have kept less than 20 % of the ROI.
    public var isClamped: Bool { targetFraction != requestedFraction }
    /// The volume change obtained, `count / N − 1` (NaN for an empty ROI).
    public var achievedFraction: Double { Double(count) / Double(originalCount) - 1 }
}

/// Voxels that volume adaptation may change, ordered by their squared distance to the other side of the ROI border
/// (nearest first; distances within a relative 10⁻⁹ are equal, being the same distance computed along different
/// paths of the transform), then by their number of the 26 neighbours across the border (most first; voxels beyond
/// the grid read as on the candidate's side), then by position.
private struct AdaptationCandidates {
    private struct Candidate {
        var squaredDistance: Double
        var neighboursAcross: Int
        var windowIndex: Int
    }

    private let inside: [Bool]
    private let size: GridSize
    private var candidates: [Candidate] = []
    private var isOrdered = false

    init(inside: [Bool], size: GridSize) {
        self.inside = inside
        self.size = size
    }

    var count: Int { candidates.count }

    mutating func add(_ windowIndex: Int, squaredDistance: Double) {
        let (i, j, k) = (windowIndex % size.x, (windowIndex / size.x) % size.y, windowIndex / (size.x * size.y))
        let side = inside[windowIndex]
        var across = 0
        for dk in -1...1 where size.z > k + dk && k + dk >= 0 {
            for dj in -1...1 where size.y > j + dj && j + dj >= 0 {
                for di in -1...1 where size.x > i + di && i + di >= 0 {
                    if inside[size.index(i + di, j + dj, k + dk)] != side { across += 1 }
                }
            }
        }
        candidates.append(Candidate(squaredDistance: squaredDistance, neighboursAcross: across, windowIndex: windowIndex))
        isOrdered = false
    }

    /// The number of first candidates to change, `≤ maximum`: the end of a group of candidates that agree on distance
    /// and neighbours closest to `needed` (the smaller one on a tie).
    mutating func changeCount(closestTo needed: Int, atMost maximum: Int) -> Int {
        order()
        var best = 0
        var start = 0
        while start < candidates.count {
            let first = candidates[start]
            var end = start + 1
            while end < candidates.count && candidates[end].squaredDistance == first.squaredDistance
                    && candidates[end].neighboursAcross == first.neighboursAcross {
                end += 1
            }
            guard end <= maximum else { break }
            if abs(end - needed) < abs(best - needed) { best = end }
            if end >= needed { break }
            start = end
        }
        return best
    }

    /// Window indices of the first `count` candidates.
    mutating func first(_ count: Int) -> [Int] {
        order()
        return candidates[..<count].map(\.windowIndex)
    }

    /// Sorts by distance, snaps each distance to the first of its tolerance group, then sorts by the three keys.
    private mutating func order() {
        guard !isOrdered else { return }
        candidates.sort { $0.squaredDistance < $1.squaredDistance }
        var levelStart = 0
        for index in candidates.indices {
            if candidates[index].squaredDistance > candidates[levelStart].squaredDistance * (1 + 1e-9) { levelStart = index }
            candidates[index].squaredDistance = candidates[levelStart].squaredDistance
        }
        candidates.sort { a, b in
            (a.squaredDistance, -a.neighboursAcross, a.windowIndex) < (b.squaredDistance, -b.neighboursAcross, b.windowIndex)
        }
        isOrdered = true
    }
}

/// A box of voxel indices around a ROI that may reach beyond the image grid.
struct MaskWindow {
    let lower: SIMD3<Int>
    let size: GridSize

    init(around box: BoundingBox, margin: SIMD3<Int>) {
        lower = box.lower &- margin
        let upper = box.upper &+ margin
        size = GridSize(x: upper.x - lower.x, y: upper.y - lower.y, z: upper.z - lower.z)
    }

    /// Whether the window holds every voxel of a grid of `gridSize`.
    func covers(_ gridSize: GridSize) -> Bool {
        lower.x <= 0 && lower.y <= 0 && lower.z <= 0
            && lower.x + size.x >= gridSize.x && lower.y + size.y >= gridSize.y && lower.z + size.z >= gridSize.z
    }

    /// The mask inside the window, in window order, and `beyondGrid` for the voxels beyond the grid.
    func extract(_ mask: Volume<Bool>, beyondGrid: Bool) -> [Bool] {
        var values = [Bool](repeating: beyondGrid, count: size.count)
        mask.voxels.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                forEachRowOnGrid(mask.size) { windowStart, gridStart, length in
                    for t in 0..<length { target[windowStart &+ t] = source[gridStart &+ t] }
                }
            }
        }
        return values
    }

    /// `mask` with the voxels at `windowIndices` (on the grid) set to `value`.
    func updating(_ mask: Volume<Bool>, settingTo value: Bool, at windowIndices: [Int]) -> Volume<Bool> {
        var result = mask
        result.voxels.withUnsafeMutableBufferPointer { voxels in
            for windowIndex in windowIndices {
                let (i, j, k) = (windowIndex % size.x, (windowIndex / size.x) % size.y, windowIndex / (size.x * size.y))
                voxels[mask.size.index(lower.x + i, lower.y + j, lower.z + k)] = value
            }
        }
        return result
    }

    /// Calls `body(windowIndex)` for every window voxel on a grid of `gridSize`, in window order.
    func forEachVoxelOnGrid(_ gridSize: GridSize, _ body: (Int) -> Void) {
        forEachRowOnGrid(gridSize) { windowStart, _, length in
            for t in 0..<length { body(windowStart &+ t) }
        }
    }

    /// Calls `body(windowStart, gridStart, length)` for every run of window voxels along x that lies on the grid.
    private func forEachRowOnGrid(_ gridSize: GridSize, _ body: (Int, Int, Int) -> Void) {
        let lowX = max(lower.x, 0), highX = min(lower.x + size.x, gridSize.x)
        guard lowX < highX else { return }
        for k in max(lower.z, 0)..<min(lower.z + size.z, gridSize.z) {
            for j in max(lower.y, 0)..<min(lower.y + size.y, gridSize.y) {
                body(size.index(lowX - lower.x, j - lower.y, k - lower.z), gridSize.index(lowX, j, k), highX - lowX)
            }
        }
    }
}
