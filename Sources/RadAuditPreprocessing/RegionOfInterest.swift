import RadAuditImageIO

/// An image cropped to the bounding box of its region of interest, with the two IBSI ROI masks.
///
/// IBSI separates the *morphological* mask (the shape of the ROI, used for morphology) from the
/// *intensity* mask (the morphological mask after re-segmentation, used for every intensity and texture
/// feature). Both masks are on `image.geometry`; `true` means inside.
public struct RegionOfInterest: Sendable {
    public var image: Volume<Double>
    public var morphologicalMask: [Bool]
    public var intensityMask: [Bool]

    public init(image: Volume<Double>, morphologicalMask: [Bool], intensityMask: [Bool]) {
        precondition(morphologicalMask.count == image.voxels.count && intensityMask.count == image.voxels.count)
        self.image = image
        self.morphologicalMask = morphologicalMask
        self.intensityMask = intensityMask
    }

    @inlinable public var size: GridSize { image.geometry.size }
    @inlinable public var spacing: SIMD3<Double> { image.geometry.spacing }

    /// Intensities of the voxels inside the intensity mask, in grid order.
    public var maskedIntensities: [Double] {
        var values: [Double] = []
        values.reserveCapacity(intensityMask.count)
        for (v, inside) in zip(image.voxels, intensityMask) where inside { values.append(v) }
        return values
    }
}

/// A region of interest after discretisation: integer grey levels `1...levelCount` inside the
/// intensity mask and `0` outside it. Texture matrices are built from this.
public struct DiscretisedRegion: Sendable {
    public var size: GridSize
    public var spacing: SIMD3<Double>
    /// Grey level per voxel (`x` fastest); `0` = outside the intensity mask.
    public var levels: [Int32]
    /// `N_g`, the number of grey levels of the discretisation (levels run from 1 to `levelCount`).
    public var levelCount: Int
    /// The morphological mask on the same grid (GLDZM distances are measured to its border).
    public var morphologicalMask: [Bool]

    /// - Precondition: every level lies in `0...levelCount`, so that matrices sized by `levelCount` hold them all.
    public init(size: GridSize, spacing: SIMD3<Double>, levels: [Int32], levelCount: Int, morphologicalMask: [Bool]) {
        precondition(levels.count == size.count && morphologicalMask.count == size.count)
        precondition(levels.allSatisfy { $0 >= 0 && Int($0) <= levelCount }, "grey levels must lie in 0...levelCount")
        self.size = size
        self.spacing = spacing
        self.levels = levels
        self.levelCount = levelCount
        self.morphologicalMask = morphologicalMask
    }
}

public extension RegionOfInterest {
    /// The region restricted to `box` (voxel indices of this region's grid).
    func cropped(to box: BoundingBox) -> RegionOfInterest {
        let geometry = image.geometry
        return RegionOfInterest(image: image.cropped(to: box),
                                morphologicalMask: Volume(geometry: geometry, voxels: morphologicalMask).cropped(to: box).voxels,
                                intensityMask: Volume(geometry: geometry, voxels: intensityMask).cropped(to: box).voxels)
    }
}
