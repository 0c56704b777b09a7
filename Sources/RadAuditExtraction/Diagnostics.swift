import RadAuditImageIO
import RadAuditPreprocessing

/// One IBSI diagnostic value, named by its IBSI naming-table tag (e.g. `img_dim_x_init_img`). IBSI gives these
/// no identifiers; they show where two pipelines part ways before any feature is computed.
public struct DiagnosticValue: Sendable, Hashable {
    public var tag: String
    public var value: Double
}

/// Collects the IBSI diagnostic values of each processing step.
struct DiagnosticsRecorder {
    private(set) var values: [DiagnosticValue] = []

    /// `img_dim_*`, `vox_dim_*`, `mean_int`, `min_int`, `max_int` of a whole image, with `step` = `init_img`
    /// or `interp_img`.
    mutating func recordImage(_ image: Volume<Double>, step: String) {
        let g = image.geometry
        var minimum = Double.infinity, maximum = -Double.infinity, sum = 0.0
        for v in image.voxels {
            minimum = min(minimum, v)
            maximum = max(maximum, v)
            sum += v
        }
        add("img_dim_x", Double(g.size.x), step)
        add("img_dim_y", Double(g.size.y), step)
        add("img_dim_z", Double(g.size.z), step)
        add("vox_dim_x", g.spacing.x, step)
        add("vox_dim_y", g.spacing.y, step)
        add("vox_dim_z", g.spacing.z, step)
        add("mean_int", sum / Double(image.voxels.count), step)
        add("min_int", minimum, step)
        add("max_int", maximum, step)
    }

    /// Mask grid and bounding-box dimensions, voxel counts and intensity-mask mean/min/max, with `step` =
    /// `init_roi`, `interp_roi` or `reseg_roi`. `gridSize` is the size of the whole image grid.
    mutating func recordROI(_ region: RegionOfInterest, gridSize: GridSize, step: String) {
        let intensityBox = BoundingBox(of: region.intensityMask, size: region.size)?.size ?? GridSize(x: 0, y: 0, z: 0)
        let morphologicalBox = BoundingBox(of: region.morphologicalMask, size: region.size)?.size ?? GridSize(x: 0, y: 0, z: 0)
        let values = region.maskedIntensities
        add("int_mask_dim_x", Double(gridSize.x), step)
        add("int_mask_dim_y", Double(gridSize.y), step)
        add("int_mask_dim_z", Double(gridSize.z), step)
        add("int_mask_bb_dim_x", Double(intensityBox.x), step)
        add("int_mask_bb_dim_y", Double(intensityBox.y), step)
        add("int_mask_bb_dim_z", Double(intensityBox.z), step)
        add("morph_mask_bb_dim_x", Double(morphologicalBox.x), step)
        add("morph_mask_bb_dim_y", Double(morphologicalBox.y), step)
        add("morph_mask_bb_dim_z", Double(morphologicalBox.z), step)
        add("int_mask_vox_count", Double(values.count), step)
        add("morph_mask_vox_count", Double(region.morphologicalMask.lazy.filter { $0 }.count), step)
        add("int_mask_mean_int", values.isEmpty ? .nan : MeanAndVariance(values).mean, step)
        add("int_mask_min_int", values.min() ?? .nan, step)
        add("int_mask_max_int", values.max() ?? .nan, step)
    }

    private mutating func add(_ name: String, _ value: Double, _ step: String) {
        values.append(DiagnosticValue(tag: "\(name)_\(step)", value: value))
    }
}
