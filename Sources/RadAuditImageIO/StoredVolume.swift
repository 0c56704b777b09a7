import Foundation

/// A volume as its file stores it: the geometry and the undecoded voxels. Label maps are selected straight from
/// the stored values, without a Double copy of the whole grid.
///
/// The voxels of a compressed file are inflated on a background thread from the moment it is opened: `decoded(from:size:)`
/// waits only for the part it reads, and `verify()` for the end of the stream (every whole read verifies).
public struct StoredVolume: Sendable {
    public var geometry: ImageGeometry
    public var voxels: StoredVoxels
    public var storedType: VoxelType

    /// The decoded volume and its stored type.
    public func loaded() throws -> LoadedImage {
        LoadedImage(volume: Volume(geometry: geometry, voxels: try voxels.decoded()), storedType: storedType)
    }

    /// The decoded voxels of the box of `size` voxels starting at voxel `lower`, with the geometry of that box.
    /// Call `verify()` before trusting them: the rest of a compressed file may still be inflating.
    public func decoded(from lower: SIMD3<Int>, size: GridSize) throws -> Volume<Double> {
        let box = BoundingBox(lower: lower, upper: lower &+ SIMD3(size.x, size.y, size.z))
        return Volume(geometry: geometry.cropped(to: box), voxels: try decodedRows(of: box))
    }

    /// The decoded voxels of `box`, in grid order, row by row into one array.
    private func decodedRows(of box: BoundingBox) throws -> [Double] {
        let full = geometry.size, size = box.size
        var values = [Double](repeating: 0, count: size.count)
        try values.withUnsafeMutableBufferPointer { out in
            for k in box.lower.z..<box.upper.z {
                for j in box.lower.y..<box.upper.y {
                    let start = full.index(box.lower.x, j, k), first = size.index(0, j - box.lower.y, k - box.lower.z)
                    try voxels.decode(start..<start + size.x, into: UnsafeMutableBufferPointer(rebasing: out[first..<first + size.x]))
                }
            }
        }
        return values
    }

    /// Waits until the file's voxel data has been read to its end; throws if it is corrupt or truncated.
    public func verify() throws { try voxels.verify() }

    /// Voxels equal to `label`, chosen as `Volume.selectingLabel` chooses.
    public func selectingLabel(_ label: Int?, path: String) throws -> Volume<Bool> {
        let whole = BoundingBox(covering: geometry.size)
        return try selectingLabel(label, path: path, within: { _ in whole }).mask
    }

    /// The voxels equal to `label` (chosen as `Volume.selectingLabel` chooses) inside the box that `box` makes of
    /// the label's bounding box, with the geometry of that box. The labels and their boxes are found in one pass
    /// over the stored values, made as a compressed file inflates; only the box is decoded.
    ///
    /// Also returns the labels present (non-zero values, ascending).
    ///
    /// - Throws: when the label is absent (naming those present) or the data is corrupt or truncated.
    public func selectingLabel(_ label: Int?, path: String, within box: (BoundingBox) throws -> BoundingBox)
        throws -> (mask: Volume<Bool>, box: BoundingBox, labels: [Double]) {
        let extents = try voxels.labelExtents(rowLength: geometry.size.x, rowsPerSlice: geometry.size.y)
        let present = extents.keys.sorted()
        let chosen = try LabelChoice.choose(label, present: present, path: path)
        let region = try box(extents[chosen]!)
        let selected = try decodedRows(of: region).map { $0 == chosen }
        return (Volume(geometry: geometry.cropped(to: region), voxels: selected), region, present)
    }
}

/// Stored voxel values, decoded on demand (`value·slope + intercept`).
public struct StoredVoxels: Sendable {
    enum Storage: Sendable {
        case raw(bytes: VoxelBytes, offset: Int, type: VoxelType, order: ByteOrder, slope: Double, intercept: Double)
        case decoded([Double])
    }

    let storage: Storage
    public let count: Int

    init(bytes: VoxelBytes, offset: Int, count: Int, type: VoxelType, order: ByteOrder, slope: Double = 1,
         intercept: Double = 0) {
        storage = .raw(bytes: bytes, offset: offset, type: type, order: order, slope: slope, intercept: intercept)
        self.count = count
    }

    init(values: [Double]) {
        storage = .decoded(values)
        count = values.count
    }

    /// Every voxel, decoded; the data has been read to its end and checked.
    public func decoded() throws -> [Double] {
        try verify()
        return try decoded(range: 0..<count)
    }

    /// The decoded voxels of a range of linear indices.
    func decoded(range: Range<Int>) throws -> [Double] {
        var values = [Double](repeating: 0, count: range.count)
        try values.withUnsafeMutableBufferPointer { try decode(range, into: $0) }
        return values
    }

    /// Decodes the voxels of a range of linear indices into `output` (as long as the range).
    func decode(_ range: Range<Int>, into output: UnsafeMutableBufferPointer<Double>) throws {
        switch storage {
        case .decoded(let values):
            _ = output.initialize(from: values[range])
        case let .raw(bytes, offset, type, order, slope, intercept):
            let size = type.byteCount
            try bytes.withBytes(offset + range.lowerBound * size..<offset + range.upperBound * size) {
                VoxelDecoder.decode($0, into: output, type: type, order: order, slope: slope, intercept: intercept)
            }
        }
    }

    /// Waits until the data has been read to its end; throws if it is corrupt or truncated.
    func verify() throws {
        if case .raw(let bytes, _, _, _, _, _) = storage { try bytes.verify() }
    }

    /// The bounding box of every non-zero (and non-NaN) value, for voxels in rows of `rowLength` and slices of
    /// `rowsPerSlice` rows. One pass over the stored values, in steps of about 1 MiB as they become ready; a value
    /// is decoded once per run of equal stored bits, so the long runs of background cost a word comparison per
    /// 8 bytes. Reads to the end of the data and checks it.
    func labelExtents(rowLength: Int, rowsPerSlice: Int) throws -> [Double: BoundingBox] {
        var scan = LabelScan(rowLength: rowLength, rowsPerSlice: rowsPerSlice)
        switch storage {
        case .decoded(let values):
            values.withUnsafeBytes { scan.add(rows: $0, firstRow: 0, width: UInt64.self) { Double(bitPattern: $0) } }
        case let .raw(bytes, offset, type, order, slope, intercept):
            let rowBytes = rowLength * type.byteCount
            let rows = count / max(rowLength, 1)
            let step = max(1, (1 << 20) / max(rowBytes, 1))
            var first = 0
            while first < rows {
                let n = min(step, rows - first)
                try bytes.withBytes(offset + first * rowBytes..<offset + (first + n) * rowBytes) { raw in
                    func value(_ bits: some FixedWidthInteger) -> Double {
                        withUnsafeBytes(of: bits) {
                            VoxelDecoder.decode($0, count: 1, type: type, order: order, slope: slope, intercept: intercept)[0]
                        }
                    }
                    switch type.byteCount {
                    case 1: scan.add(rows: raw, firstRow: first, width: UInt8.self, value: value)
                    case 2: scan.add(rows: raw, firstRow: first, width: UInt16.self, value: value)
                    case 4: scan.add(rows: raw, firstRow: first, width: UInt32.self, value: value)
                    default: scan.add(rows: raw, firstRow: first, width: UInt64.self, value: value)
                    }
                }
                first += n
            }
            try bytes.verify()
        }
        return scan.boxes
    }
}

/// Bounding boxes of the non-zero values of a label map, gathered run by run.
private struct LabelScan {
    let rowLength: Int
    let rowsPerSlice: Int
    private(set) var boxes: [Double: BoundingBox] = [:]

    init(rowLength: Int, rowsPerSlice: Int) {
        self.rowLength = rowLength
        self.rowsPerSlice = rowsPerSlice
    }

    /// Adds whole rows of stored values of `T`'s width, the first being row `firstRow` of the grid; `value` decodes
    /// a stored bit pattern.
    mutating func add<T: FixedWidthInteger & UnsignedInteger>(rows raw: UnsafeRawBufferPointer, firstRow: Int,
                                                              width _: T.Type, value: (T) -> Double) {
        guard let base = raw.baseAddress, rowLength > 0 else { return }
        let width = MemoryLayout<T>.size
        let perWord = 8 / width
        let rows = raw.count / (rowLength * width)
        var lastBits: T = 0
        var lastValue: Double?
        for r in 0..<rows {
            let row = base + r * rowLength * width
            let j = (firstRow + r) % rowsPerSlice, k = (firstRow + r) / rowsPerSlice
            var i = 0
            while i < rowLength {
                let bits = row.loadUnaligned(fromByteOffset: i * width, as: T.self)
                // The run of equal stored bits: whole 8-byte words first, then single values.
                var pattern = UInt64(truncatingIfNeeded: bits)
                for shift in stride(from: width * 8, to: 64, by: width * 8) { pattern |= pattern << UInt64(shift) }
                var end = i + 1
                while end + perWord <= rowLength && row.loadUnaligned(fromByteOffset: end * width, as: UInt64.self) == pattern {
                    end += perWord
                }
                while end < rowLength && row.loadUnaligned(fromByteOffset: end * width, as: T.self) == bits { end += 1 }
                if bits != lastBits || lastValue == nil { (lastBits, lastValue) = (bits, value(bits)) }
                // NaN is recorded as −∞ (a dictionary key must equal itself): both are refused as labels.
                let v = lastValue!.isNaN ? -Double.infinity : lastValue!
                if v != 0 {
                    let lower = SIMD3(i, j, k), upper = SIMD3(end, j + 1, k + 1)
                    if let box = boxes[v] {
                        boxes[v] = BoundingBox(lower: pointwiseMin(box.lower, lower), upper: pointwiseMax(box.upper, upper))
                    } else {
                        boxes[v] = BoundingBox(lower: lower, upper: upper)
                    }
                }
                i = end
            }
        }
    }
}

/// Which label of a label map is the ROI.
enum LabelChoice {
    /// A warning when no label was chosen and the mask holds several: label 1 is used, which may not be the ROI meant.
    static func note(_ label: Int?, present: [Double], path: String) -> String? {
        guard label == nil, present.count > 1 else { return nil }
        let listed = present.prefix(10).map { String(Int($0)) }.joined(separator: ", ") + (present.count > 10 ? ", …" : "")
        return "\(path): the mask holds \(present.count) labels (\(listed)) and none was chosen: label 1 is used "
            + "(choose with the cohort's label column or --label)"
    }

    /// `label` when given; otherwise the only non-zero value of a binary mask (e.g. 0/255), else 1.
    ///
    /// - Throws: when the chosen label is absent, naming the labels that are present.
    static func choose(_ label: Int?, present: [Double], path: String) throws -> Double {
        if let odd = present.first(where: { !$0.isFinite || $0 != $0.rounded() }) {
            throw ImageIOError(path, "the mask holds the value \(odd.isFinite ? String(odd) : "NaN or ±inf"); a mask must be "
                               + "a label map of integers (or a binary mask)")
        }
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
        return chosen
    }
}
