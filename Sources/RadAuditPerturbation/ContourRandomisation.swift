import Foundation
import RadAuditImageIO
import RadAuditPreprocessing

/// Supervoxel-based contour randomisation (Zwanenburg et al., Sci Rep 2019;9:614).
///
/// The image around the ROI (its bounding box grown by one supervoxel interval) is cut into SLIC supervoxels. Each
/// supervoxel that overlaps the ROI becomes part of the new ROI with a probability equal to the fraction of its
/// voxels inside the ROI, so the expected volume of the new ROI equals the original one, and boundaries that follow
/// image edges move little while boundaries through homogeneous tissue move a lot.
///
/// Intensities are clipped to the ROI's range widened by 10 % on each side and scaled to [0, 1] before clustering,
/// so that tissue far outside the ROI's intensities cannot dominate. SLIC runs without prior smoothing.
public struct ContourRandomisation: Hashable, Sendable {
    /// Intended supervoxel volume in mm³. It is reduced for small ROIs so that the ROI holds about
    /// `supervoxelsPerSmallROI` supervoxels, but never below 20 voxels.
    public var supervoxelVolume: Double
    /// SLIC compactness m (intensities scaled to [0, 1]); see `Supervoxels`.
    public var compactness: Double
    /// SLIC assignment and update rounds.
    public var iterations: Int

    /// Supervoxels a small ROI is cut into at least (unless they would be smaller than 20 voxels).
    public static let supervoxelsPerSmallROI = 20.0
    /// The fewest voxels in a supervoxel.
    public static let smallestSupervoxel = 20.0

    public init(supervoxelVolume: Double = 500, compactness: Double = 0.1, iterations: Int = 10) {
        precondition(supervoxelVolume > 0 && compactness >= 0 && iterations > 0, "invalid supervoxel settings")
        self.supervoxelVolume = supervoxelVolume
        self.compactness = compactness
        self.iterations = iterations
    }

    /// The outcome of one randomisation.
    public struct Result: Sendable {
        public var mask: Volume<Bool>
        /// Supervoxels in the box around the ROI.
        public var supervoxelCount: Int
        /// Supervoxels with at least one ROI voxel: the ones that were drawn.
        public var overlappingCount: Int
        /// Supervoxels that make up the new ROI.
        public var selectedCount: Int
        /// Whether no supervoxel was drawn, so the one overlapping the ROI most was taken instead.
        public var usedFallback: Bool
    }

    /// A randomised ROI of `mask` on `image`. The draws, one per overlapping supervoxel in label order, come from
    /// `SeededGenerator(seed:)`. When no supervoxel is drawn the supervoxel with the largest overlap fraction is taken
    /// (ties: more ROI voxels, then the lower label), so the result is never empty for a non-empty ROI.
    public func randomised(_ mask: Volume<Bool>, image: Volume<Double>, seed: UInt64) -> Result {
        precondition(image.size == mask.size, "image and mask must share a grid")
        guard let roiBox = BoundingBox(of: mask.voxels, size: mask.size) else {
            return Result(mask: mask, supervoxelCount: 0, overlappingCount: 0, selectedCount: 0, usedFallback: false)
        }
        let spacing = mask.geometry.spacing
        let voxelVolume = spacing.x * spacing.y * spacing.z
        let roiCount = mask.voxels.reduce(0) { $1 ? $0 + 1 : $0 }
        let volume = max(Self.smallestSupervoxel * voxelVolume,
                         min(supervoxelVolume, Double(roiCount) * voxelVolume / Self.supervoxelsPerSmallROI))
        let interval = cbrt(volume)
        let margin = SIMD3<Int>((0..<3).map { Int((interval / spacing[$0]).rounded(.up)) + 1 })
        let box = roiBox.expanded(by: margin, within: mask.size)
        let roi = mask.cropped(to: box).voxels
        let supervoxels = Supervoxels(intensities: scaledIntensities(image.cropped(to: box).voxels, roi: roi),
                                      size: box.size, spacing: spacing, interval: interval,
                                      compactness: compactness, iterations: iterations)

        var total = [Int](repeating: 0, count: supervoxels.count)
        var overlap = [Int](repeating: 0, count: supervoxels.count)
        for (label, inside) in zip(supervoxels.labels, roi) {
            total[Int(label)] += 1
            if inside { overlap[Int(label)] += 1 }
        }
        var generator = SeededGenerator(seed: seed)
        var selected = [Bool](repeating: false, count: supervoxels.count)
        var overlappingCount = 0
        for label in 0..<supervoxels.count where overlap[label] > 0 {
            overlappingCount += 1
            selected[label] = generator.nextUniform() < Double(overlap[label]) / Double(total[label])
        }
        let usedFallback = !selected.contains(true)
        if usedFallback {
            // Compare overlap fractions a/b and c/d as a·d vs c·b, exactly in integers.
            var best = -1
            for label in 0..<supervoxels.count where overlap[label] > 0 {
                guard best >= 0 else {
                    best = label
                    continue
                }
                let lhs = overlap[label] * total[best], rhs = overlap[best] * total[label]
                if lhs > rhs || (lhs == rhs && overlap[label] > overlap[best]) { best = label }
            }
            selected[best] = true
        }

        var result = Volume(geometry: mask.geometry, voxels: [Bool](repeating: false, count: mask.voxels.count))
        let boxSize = box.size
        supervoxels.labels.withUnsafeBufferPointer { labels in
            result.voxels.withUnsafeMutableBufferPointer { output in
                var index = 0
                for k in 0..<boxSize.z {
                    for j in 0..<boxSize.y {
                        let row = mask.size.index(box.lower.x, box.lower.y + j, box.lower.z + k)
                        for i in 0..<boxSize.x {
                            if selected[Int(labels[index])] { output[row + i] = true }
                            index += 1
                        }
                    }
                }
            }
        }
        return Result(mask: result, supervoxelCount: supervoxels.count, overlappingCount: overlappingCount,
                      selectedCount: selected.reduce(0) { $1 ? $0 + 1 : $0 }, usedFallback: usedFallback)
    }

    /// Intensities clipped to the finite ROI range widened by 10 % on each side and scaled to [0, 1]. A ROI of a single
    /// intensity uses the range of the whole box instead; a uniform box gives all 0 (clustering is then purely
    /// spatial). Non-finite values become 0.
    private func scaledIntensities(_ values: [Double], roi: [Bool]) -> [Double] {
        func range(_ include: (Int) -> Bool) -> (low: Double, high: Double) {
            var (low, high) = (Double.infinity, -Double.infinity)
            for (index, value) in values.enumerated() where include(index) && value.isFinite {
                low = min(low, value)
                high = max(high, value)
            }
            return (low, high)
        }
        var (low, high) = range { roi[$0] }
        if low < high {
            let widening = 0.1 * (high - low)
            (low, high) = (low - widening, high + widening)
        } else {
            (low, high) = range { _ in true }
        }
        guard low < high else { return [Double](repeating: 0, count: values.count) }
        let scale = 1 / (high - low)
        return values.map { $0.isFinite ? (min(max($0, low), high) - low) * scale : 0 }
    }
}
