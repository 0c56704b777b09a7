/// An RT Structure Set (PS3.3 A.19): named regions of interest delineated as planar contours in patient space.
public struct RTStructureSet: Sendable {
    /// One structure: its number and name, the frame of reference it was drawn in, and its contours.
    public struct ROI: Sendable {
        public var number: Int
        public var name: String
        public var frameOfReferenceUID: String?
        public var contours: [Contour]
    }

    /// A contour: its geometric type (`CLOSED_PLANAR`, `POINT`, `OPEN_PLANAR`, …) and its LPS points (mm).
    public struct Contour: Sendable {
        public var geometricType: String
        public var points: [SIMD3<Double>]
        /// What is wrong with its ContourData (a count that is not a multiple of 3, NaN or infinite coordinates).
        public var corruption: String? = nil
    }

    public var path: String
    public var rois: [ROI]

    static let sopClassUID = "1.2.840.10008.5.1.4.1.1.481.3"

    public init(path: String) throws {
        try self.init(file: DICOMFile(path: path))
    }

    /// The structures of a parsed file. Contours whose ContourData is not a list of finite coordinate triplets are
    /// kept with their `corruption`: a mask of their ROI is refused.
    ///
    /// - Throws: when the file is not an RT Structure Set.
    public init(file: DICOMFile) throws {
        path = file.path
        let d = file.dataSet
        guard file.sopClassUID == Self.sopClassUID || d.string(.modality) == "RTSTRUCT" else {
            throw ImageIOError(path, "not an RT Structure Set (modality \(d.string(.modality) ?? "unknown"))")
        }
        var contoursByNumber: [Int: [Contour]] = [:]
        for item in d.sequence(.roiContourSequence) {
            guard let number = item.number(.referencedROINumber).flatMap(Self.integer) else { continue }
            contoursByNumber[number, default: []] += item.sequence(.contourSequence).map { contour in
                let values = contour.numbers(.contourData)
                let points = values.count % 3 == 0
                    ? stride(from: 0, to: values.count, by: 3).map { SIMD3(values[$0], values[$0 + 1], values[$0 + 2]) } : []
                let corruption = values.count % 3 != 0 ? "ContourData holds \(values.count) numbers, not x/y/z triplets"
                    : values.allSatisfy(\.isFinite) ? nil : "ContourData holds NaN or infinite coordinates"
                // An absent geometric type is read as CLOSED_PLANAR (older exports leave it out); an empty one is kept
                // as it is, so that the contour is skipped with a note rather than filled on a guess.
                return Contour(geometricType: contour.contains(.contourGeometricType)
                                   ? contour.string(.contourGeometricType) ?? "" : "CLOSED_PLANAR", points: points,
                               corruption: corruption)
            }
        }
        rois = d.sequence(.structureSetROISequence).compactMap { item in
            guard let number = item.number(.roiNumber).flatMap(Self.integer) else { return nil }
            return ROI(number: number, name: item.string(.roiName) ?? "ROI \(number)",
                       frameOfReferenceUID: item.string(.referencedFrameOfReferenceUID),
                       contours: contoursByNumber[number] ?? [])
        }
    }

    /// The ROI called `name` (exactly, else ignoring case) or numbered `number`, or the only ROI when both are nil.
    ///
    /// - Throws: naming the ROIs present when there is no such ROI or several and none is chosen.
    public func roi(named name: String?, number: Int? = nil) throws -> ROI {
        let names = rois.map { "\"\($0.name)\" (\($0.number))" }.joined(separator: ", ")
        if let number {
            guard let numbered = rois.first(where: { $0.number == number }) else {
                throw ImageIOError(path, "no ROI number \(number); ROIs present: \(names.isEmpty ? "none" : names)")
            }
            return numbered
        }
        if let name {
            let exact = rois.filter { $0.name == name }
            if exact.count > 1 {
                throw ImageIOError(path, "\(exact.count) ROIs are named \"\(name)\" (numbers \(exact.map { String($0.number) }.joined(separator: ", "))); "
                                   + "choose one by number (--label)")
            }
            if let exact = exact.first { return exact }
            let folded = rois.filter { $0.name.lowercased() == name.lowercased() }
            if folded.count == 1 { return folded[0] }
            throw ImageIOError(path, "no ROI named \"\(name)\"; ROIs present: \(names.isEmpty ? "none" : names)")
        }
        guard rois.count == 1 else {
            throw ImageIOError(path, rois.isEmpty ? "the structure set has no ROI"
                               : "\(rois.count) ROIs in the structure set; choose one by name (--roi): \(names)")
        }
        return rois[0]
    }

    /// The voxels of an ROI (chosen as by `roi(named:number:)`) on an image grid: its closed planar contours
    /// rasterised by `ContourRasteriser`.
    ///
    /// - Parameter frameOfReferenceUID: the image's frame of reference; the ROI must have been drawn in it.
    /// - Throws: when the ROI is absent, belongs to another frame of reference, or covers no voxel of the grid.
    public func mask(roi name: String?, number: Int? = nil, on geometry: ImageGeometry,
                     frameOfReferenceUID: String?) throws -> LoadedMask {
        let roi = try roi(named: name, number: number)
        var notes: [String] = []
        switch (roi.frameOfReferenceUID, frameOfReferenceUID) {
        case let (drawn?, image?) where drawn != image:
            throw ImageIOError(path, "ROI \"\(roi.name)\" is drawn in frame of reference \(drawn) but the image is in "
                               + "\(image): the structure set belongs to another scan")
        case (nil, _), (_, nil):
            notes.append("\(path): frame of reference not recorded for ROI \"\(roi.name)\" or the image; not checked")
        default:
            break
        }
        var rasteriser = try ContourRasteriser(geometry: geometry)
        for (number, contour) in roi.contours.enumerated() {
            if let corruption = contour.corruption {
                throw ImageIOError(path, "ROI \"\(roi.name)\" contour \(number + 1): \(corruption)")
            }
        }
        for (number, contour) in roi.contours.enumerated() {
            let label = "\(path): ROI \"\(roi.name)\" contour \(number + 1)"
            guard contour.geometricType == "CLOSED_PLANAR" else {
                notes.append("\(label): \(contour.geometricType.isEmpty ? "a contour without ContourGeometricType" : contour.geometricType + " contour") ignored (only CLOSED_PLANAR encloses voxels)")
                continue
            }
            rasteriser.fill(contour.points, label: label)
        }
        notes += rasteriser.notes
        let volume = Volume(geometry: geometry, voxels: rasteriser.mask)
        guard volume.voxels.contains(true) else {
            throw ImageIOError(path, "ROI \"\(roi.name)\" covers no voxel of the image grid"
                               + (notes.isEmpty ? "" : " (" + notes.suffix(3).joined(separator: "; ") + ")"))
        }
        return LoadedMask(volume: volume, notes: notes)
    }

    private static func integer(_ value: Double) -> Int? {
        value.isFinite && abs(value) < 1e9 ? Int(value.rounded()) : nil
    }
}
