import Foundation

/// Reads any supported volume format, chosen by file name: NIfTI (`.nii`, `.nii.gz`, `.hdr`, `.img`), NRRD
/// (`.nrrd`, `.nhdr`), or DICOM: a directory holding a series, or one DICOM file (`.dcm`, or any file starting
/// with the DICOM preamble).
public enum ImageFile {
    /// - Parameter series: the SeriesInstanceUID to read when a DICOM directory holds several series.
    public static func read(_ path: String, series: String? = nil) throws -> Volume<Double> {
        try load(path, series: series).volume
    }

    /// The volume and the voxel type stored in the file.
    ///
    /// - Parameter series: the SeriesInstanceUID to read when a DICOM directory holds several series.
    public static func load(_ path: String, series: String? = nil) throws -> LoadedImage {
        if let stored = try loadStored(path) { return try stored.loaded() }
        guard FileManager.default.fileExists(atPath: path) else { throw ImageIOError(path, "no such file") }
        if isDICOM(path) {
            let scan = try DICOMSeriesScan.scan([path])
            let chosen = try scan.select(series)
            do {
                var image = try chosen.load()
                image.notes = scan.notes + image.notes
                return image
            } catch let error as ImageIOError where !scan.notes.isEmpty {
                // A slice reported missing may be a file that could not be read: say which were skipped.
                throw ImageIOError(error.path, error.problem + " (" + scan.notes.prefix(3).joined(separator: "; ")
                                   + (scan.notes.count > 3 ? "; …" : "") + ")")
            }
        }
        throw ImageIOError(path, "unknown image format (expected .nii, .nii.gz, .hdr/.img, .nrrd, .nhdr, "
                           + "a DICOM file or a directory holding a DICOM series)")
    }

    /// The mask at `path` as a region on the grid of `image` (read from `imagePath`):
    /// - an RT Structure Set: the ROI named `roi` (or numbered `label`) rasterised onto the image grid;
    /// - a DICOM Segmentation: segment number `label` (or labelled `roi`), its frames placed on the image grid;
    /// - anything else (NIfTI, NRRD, DICOM label image): a label map on the same grid, `label` selected as by
    ///   `selectingLabel`.
    ///
    /// - Throws: when the grids differ, the ROI or label is absent (the message lists those present), the
    ///   structure set belongs to another frame of reference, or `roi` is given for a label map.
    public static func loadMask(_ path: String, for image: LoadedImage, imagePath: String, label: Int? = nil,
                                roi: String? = nil) throws -> LoadedMask {
        try loadMask(path, on: image.volume.geometry, frameOfReferenceUID: image.frameOfReferenceUID, imagePath: imagePath,
                     label: label, roi: roi)
    }

    /// The mask at `path` as a region on the image grid `geometry` (of the image read from `imagePath`, whose DICOM
    /// frame of reference is `frameOfReferenceUID`), as `loadMask(_:for:imagePath:label:roi:)` describes.
    public static func loadMask(_ path: String, on geometry: ImageGeometry, frameOfReferenceUID: String?, imagePath: String,
                                label: Int? = nil, roi: String? = nil) throws -> LoadedMask {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue, isDICOM(path) {
            let file = try DICOMFile(path: path)
            if file.sopClassUID == RTStructureSet.sopClassUID || file.modality == "RTSTRUCT" {
                return try RTStructureSet(file: file).mask(roi: roi, number: label, on: geometry,
                                                           frameOfReferenceUID: frameOfReferenceUID)
            }
            if file.sopClassUID == DICOMSegmentation.sopClassUID || file.modality == "SEG" {
                return try DICOMSegmentation(file: file).mask(segment: label, label: roi, on: geometry,
                                                              frameOfReferenceUID: frameOfReferenceUID)
            }
        }
        if let roi {
            throw ImageIOError(path, "an ROI name (\(roi)) selects a structure of an RT Structure Set or DICOM SEG; "
                               + "this mask is a label image (select with a label number)")
        }
        if let stored = try loadStored(path) {
            try geometry.requireSame(as: stored.geometry, path: imagePath, otherPath: path)
            let whole = BoundingBox(covering: stored.geometry.size)
            let (mask, _, present) = try stored.selectingLabel(label, path: path, within: { _ in whole })
            return LoadedMask(volume: mask, notes: LabelChoice.note(label, present: present, path: path).map { [$0] } ?? [])
        }
        let labels = try read(path)
        try geometry.requireSame(as: labels.geometry, path: imagePath, otherPath: path)
        let present = Set(labels.voxels.filter { $0 != 0 }).sorted()
        return LoadedMask(volume: try labels.selectingLabel(label, path: path),
                          notes: LabelChoice.note(label, present: present, path: path).map { [$0] } ?? [])
    }

    /// The part of the mask at `path` inside the box that `box` makes of the ROI's bounding box, as
    /// `loadMask(_:on:frameOfReferenceUID:imagePath:label:roi:)` reads it, and that box. A label map is selected
    /// and decoded only inside the box.
    ///
    /// - Throws: as the whole-grid `loadMask` does, and when the mask is empty.
    public static func loadMask(_ path: String, on geometry: ImageGeometry, frameOfReferenceUID: String?, imagePath: String,
                                label: Int? = nil, roi: String? = nil, within box: (BoundingBox) throws -> BoundingBox)
        throws -> (mask: LoadedMask, box: BoundingBox) {
        if roi == nil, !isDICOM(path), let stored = try loadStored(path) {
            try geometry.requireSame(as: stored.geometry, path: imagePath, otherPath: path)
            let (volume, region, present) = try stored.selectingLabel(label, path: path, within: box)
            return (LoadedMask(volume: volume, notes: LabelChoice.note(label, present: present, path: path).map { [$0] } ?? []), region)
        }
        var whole = try loadMask(path, on: geometry, frameOfReferenceUID: frameOfReferenceUID, imagePath: imagePath,
                                 label: label, roi: roi)
        guard let roiBox = BoundingBox(of: whole.volume.voxels, size: whole.volume.size) else {
            throw ImageIOError(path, "the mask is empty (no voxel of the ROI on the image grid)")
        }
        let region = try box(roiBox)
        whole.volume = whole.volume.cropped(to: region)
        return (whole, region)
    }

    /// A NIfTI or NRRD volume with its voxels still undecoded; nil for other formats.
    ///
    /// - Parameter hugePages: back a large inflated image by transparent huge pages: faster for a process that reads
    ///   one image (`extract`), slower for one that reads many (an audit), whose memory the kernel must compact.
    public static func loadStored(_ path: String, hugePages: Bool = false) throws -> StoredVolume? {
        let lower = path.lowercased()
        let stem = lower.hasSuffix(".gz") ? String(lower.dropLast(3)) : lower
        if stem.hasSuffix(".nrrd") || stem.hasSuffix(".nhdr") { return try NRRD.loadStored(path, hugePages: hugePages) }
        if stem.hasSuffix(".nii") || stem.hasSuffix(".hdr") || stem.hasSuffix(".img") {
            return try NIfTI.loadStored(path, hugePages: hugePages)
        }
        return nil
    }

    /// The bytes of the file at `path`: mapped into memory rather than copied (as nibabel maps images), read where
    /// a file cannot be mapped. A mapped file must not be truncated by another program while it is being read.
    static func contents(of path: String) throws -> Data {
        if let mapped = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) { return mapped }
        if let read = FileManager.default.contents(atPath: path) { return read }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        throw ImageIOError(path, !exists ? "no such file" : isDirectory.boolValue ? "is a directory" : "cannot be read")
    }

    /// Whether `path` is a directory (read as a DICOM series) or a DICOM file: `.dcm`/`.dicom` suffix,
    /// the `DICM` prefix, or a recognisable data element at the start.
    static func isDICOM(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        if isDirectory.boolValue { return true }
        let lower = path.lowercased()
        if lower.hasSuffix(".dcm") || lower.hasSuffix(".dicom") { return true }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = [UInt8]((try? handle.read(upToCount: 132)) ?? Data())
        return DICOMFile.hasPreamble(start) || DICOMFile.startsWithDataElement(start)
    }
}

/// A volume as read from a file, with the voxel type it was stored as (values are converted to Double).
public struct LoadedImage: Sendable {
    public var volume: Volume<Double>
    public var storedType: VoxelType
    /// DICOM only: the FrameOfReferenceUID, to check RT structure sets and segmentations against.
    public var frameOfReferenceUID: String? = nil
    /// DICOM only: how the image was acquired (no patient identifiers).
    public var metadata: AcquisitionMetadata? = nil
    /// What the reader skipped or worked around (non-DICOM files in a series directory, missing geometry,
    /// PET values left unconverted), one line each.
    public var notes: [String] = []
}

/// A binary region on an image grid, with what the reader noticed while making it (contours skipped or clipped,
/// frame of reference not checked), one line each.
public struct LoadedMask: Sendable {
    public var volume: Volume<Bool>
    public var notes: [String] = []
}

/// Turning a mask or label map into a binary region.
public extension Volume where Voxel == Double {
    /// Voxels equal to `label`. Without a label: the only non-zero value when the mask is binary
    /// (e.g. 0/255), else label 1.
    ///
    /// - Throws: when the label is absent, naming the labels that are present.
    func selectingLabel(_ label: Int?, path: String) throws -> Volume<Bool> {
        try StoredVolume(geometry: geometry, voxels: StoredVoxels(values: voxels), storedType: .float64)
            .selectingLabel(label, path: path)
    }

    /// Throws unless `other` lies on the same voxel grid.
    func requireSameGrid<T>(as other: Volume<T>, path: String, otherPath: String) throws {
        try geometry.requireSame(as: other.geometry, path: path, otherPath: otherPath)
    }
}

extension ImageGeometry {
    /// Throws unless `other` (the grid of the mask at `otherPath`) describes the same voxels as this one (the grid
    /// of the image at `path`).
    public func requireSame(as other: ImageGeometry, path: String, otherPath: String) throws {
        let a = self, b = other
        guard a.matches(b) else {
            func describe(_ g: ImageGeometry) -> String {
                let s = g.spacing, o = g.origin
                return "\(g.size) voxels, spacing \(s.x)×\(s.y)×\(s.z) mm, origin (\(o.x), \(o.y), \(o.z))"
            }
            throw ImageIOError(otherPath, "mask grid does not match the image \(path): \(describe(b)) vs \(describe(a))")
        }
    }
}
