import Foundation

/// Reads any supported volume format, chosen by file name: NIfTI (`.nii`, `.nii.gz`, `.hdr`, `.img`) or
/// NRRD (`.nrrd`, `.nhdr`).
public enum ImageFile {
    public static func read(_ path: String) throws -> Volume<Double> { try load(path).volume }

    /// The volume and the voxel type stored in the file.
    public static func load(_ path: String) throws -> LoadedImage {
        let lower = path.lowercased()
        let stem = lower.hasSuffix(".gz") ? String(lower.dropLast(3)) : lower
        if stem.hasSuffix(".nrrd") || stem.hasSuffix(".nhdr") { return try NRRD.load(path) }
        if stem.hasSuffix(".nii") || stem.hasSuffix(".hdr") || stem.hasSuffix(".img") { return try NIfTI.load(path) }
        guard FileManager.default.fileExists(atPath: path) else { throw ImageIOError(path, "no such file") }
        throw ImageIOError(path, "unknown image format (expected .nii, .nii.gz, .hdr/.img, .nrrd or .nhdr)")
    }
}

/// A volume as read from a file, with the voxel type it was stored as (values are converted to Double).
public struct LoadedImage: Sendable {
    public var volume: Volume<Double>
    public var storedType: VoxelType
}

/// Turning a mask or label map into a binary region.
public extension Volume where Voxel == Double {
    /// The distinct non-zero values of a label map, ascending.
    var labels: [Double] {
        Array(Set(voxels.lazy.filter { $0 != 0 && !$0.isNaN })).sorted()
    }

    /// Voxels equal to `label`. Without a label: the only non-zero value when the mask is binary
    /// (e.g. 0/255), else label 1.
    ///
    /// - Throws: when the label is absent, naming the labels that are present.
    func selectingLabel(_ label: Int?, path: String) throws -> Volume<Bool> {
        let present = labels
        let chosen: Double
        if let label {
            chosen = Double(label)
        } else if present.count == 1 {
            chosen = present[0]
        } else {
            chosen = 1
        }
        guard present.contains(chosen) else {
            let listed = present.prefix(20).map { $0 == $0.rounded() ? String(Int($0)) : String($0) }.joined(separator: ", ")
            if present.isEmpty { throw ImageIOError(path, "the mask is empty (no non-zero voxel)") }
            throw ImageIOError(path, "label \(label.map(String.init) ?? "1") is not in the mask (labels present: \(listed))")
        }
        return Volume<Bool>(geometry: geometry, voxels: voxels.map { $0 == chosen })
    }

    /// Throws unless `other` lies on the same voxel grid.
    func requireSameGrid<T>(as other: Volume<T>, path: String, otherPath: String) throws {
        let a = geometry, b = other.geometry
        guard a.matches(b) else {
            func describe(_ g: ImageGeometry) -> String {
                let s = g.spacing, o = g.origin
                return "\(g.size) voxels, spacing \(s.x)×\(s.y)×\(s.z) mm, origin (\(o.x), \(o.y), \(o.z))"
            }
            throw ImageIOError(otherPath, "mask grid does not match the image \(path): \(describe(b)) vs \(describe(a))")
        }
    }
}
