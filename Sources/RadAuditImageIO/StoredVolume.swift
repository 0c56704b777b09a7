import Foundation

/// A volume as its file stores it: the geometry and the undecoded voxels. Label maps are selected straight from
/// the stored values, without a Double copy of the whole grid.
public struct StoredVolume: Sendable {
    public var geometry: ImageGeometry
    public var voxels: StoredVoxels
    public var storedType: VoxelType

    /// The decoded volume and its stored type.
    public var loaded: LoadedImage {
        LoadedImage(volume: Volume(geometry: geometry, voxels: voxels.decoded()), storedType: storedType)
    }

    /// The decoded voxels of the box of `size` voxels starting at voxel `lower`, with the geometry of that box.
    public func decoded(from lower: SIMD3<Int>, size: GridSize) -> Volume<Double> {
        let full = geometry.size
        var values: [Double] = []
        values.reserveCapacity(size.count)
        for k in lower.z..<lower.z + size.z {
            for j in lower.y..<lower.y + size.y {
                values += voxels.decoded(range: full.index(lower.x, j, k)..<full.index(lower.x, j, k) + size.x)
            }
        }
        var part = geometry
        part.size = size
        part.origin = geometry.physicalPoint(SIMD3(Double(lower.x), Double(lower.y), Double(lower.z)))
        return Volume(geometry: part, voxels: values)
    }

    /// Voxels equal to `label`, chosen as `Volume.selectingLabel` chooses.
    public func selectingLabel(_ label: Int?, path: String) throws -> Volume<Bool> {
        let chosen = try LabelChoice.choose(label, present: voxels.distinctNonZero(), path: path)
        return Volume(geometry: geometry, voxels: voxels.equal(to: chosen))
    }
}

/// Stored voxel values, decoded on demand (`value·slope + intercept`).
public struct StoredVoxels: Sendable {
    enum Storage: Sendable {
        case raw(data: Data, offset: Int, type: VoxelType, order: ByteOrder, slope: Double, intercept: Double)
        case decoded([Double])
    }

    let storage: Storage
    public let count: Int

    init(data: Data, offset: Int, count: Int, type: VoxelType, order: ByteOrder, slope: Double = 1, intercept: Double = 0) {
        storage = .raw(data: data, offset: offset, type: type, order: order, slope: slope, intercept: intercept)
        self.count = count
    }

    init(values: [Double]) {
        storage = .decoded(values)
        count = values.count
    }

    public func decoded() -> [Double] {
        switch storage {
        case .decoded(let values): values
        case let .raw(data, offset, type, order, slope, intercept):
            VoxelDecoder.decode(data, offset: offset, count: count, type: type, order: order, slope: slope, intercept: intercept)
        }
    }

    /// The decoded voxels of a range of linear indices.
    func decoded(range: Range<Int>) -> [Double] {
        switch storage {
        case .decoded(let values): Array(values[range])
        case let .raw(data, offset, type, order, slope, intercept):
            VoxelDecoder.decode(data, offset: offset + range.lowerBound * type.byteCount, count: range.count, type: type,
                                order: order, slope: slope, intercept: intercept)
        }
    }

    /// Calls `body` with consecutive decoded runs of at most 2²⁰ voxels and the index of their first voxel.
    private func forEachChunk(_ body: (UnsafeBufferPointer<Double>, Int) -> Void) {
        switch storage {
        case .decoded(let values):
            values.withUnsafeBufferPointer { body($0, 0) }
        case let .raw(data, offset, type, order, slope, intercept):
            let chunk = 1 << 20
            var start = 0
            while start < count {
                let n = min(chunk, count - start)
                let values = VoxelDecoder.decode(data, offset: offset + start * type.byteCount, count: n, type: type,
                                                 order: order, slope: slope, intercept: intercept)
                values.withUnsafeBufferPointer { body($0, start) }
                start += n
            }
        }
    }

    /// Calls `body` with the stored integers when the voxels are unscaled integers in host byte order (the usual
    /// label map), so that labels are found and selected without decoding; returns nil otherwise.
    private func withStoredIntegers<R>(_ body: (StoredIntegers) -> R) -> R? {
        guard case let .raw(data, offset, type, order, slope, intercept) = storage, slope == 1, intercept == 0,
              order == ByteOrder.host || type.byteCount == 1 else { return nil }
        return data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + offset
            switch type {
            case .uint8: return body(.uint8(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)))
            case .int8: return body(.int8(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Int8.self), count: count)))
            case .int16 where Int(bitPattern: base) % 2 == 0:
                return body(.int16(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Int16.self), count: count)))
            case .uint16 where Int(bitPattern: base) % 2 == 0:
                return body(.uint16(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt16.self), count: count)))
            default: return nil
            }
        }
    }

    /// The distinct non-zero values (NaN excluded), ascending.
    public func distinctNonZero() -> [Double] {
        if let found = withStoredIntegers({ $0.distinctNonZero() }) { return found }
        var found = Set<Double>()
        var previous = 0.0
        forEachChunk { values, _ in
            for v in values where v != previous {
                previous = v
                if v != 0 && !v.isNaN { found.insert(v) }
            }
        }
        return found.sorted()
    }

    /// Whether each voxel equals `value`.
    public func equal(to value: Double) -> [Bool] {
        if let selected = withStoredIntegers({ $0.equal(to: value) }) { return selected }
        return [Bool](unsafeUninitializedCapacity: count) { result, initialized in
            forEachChunk { values, start in
                for i in values.indices { result[start &+ i] = values[i] == value }
            }
            initialized = count
        }
    }
}

/// Which label of a label map is the ROI.
enum LabelChoice {
    /// `label` when given; otherwise the only non-zero value of a binary mask (e.g. 0/255), else 1.
    ///
    /// - Throws: when the chosen label is absent, naming the labels that are present.
    static func choose(_ label: Int?, present: [Double], path: String) throws -> Double {
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

/// Stored label-map integers, read in place.
private enum StoredIntegers {
    case uint8(UnsafeBufferPointer<UInt8>)
    case int8(UnsafeBufferPointer<Int8>)
    case int16(UnsafeBufferPointer<Int16>)
    case uint16(UnsafeBufferPointer<UInt16>)

    func distinctNonZero() -> [Double] {
        switch self {
        case .uint8(let v): Self.distinct(v)
        case .int8(let v): Self.distinct(v)
        case .int16(let v): Self.distinct(v)
        case .uint16(let v): Self.distinct(v)
        }
    }

    func equal(to value: Double) -> [Bool] {
        switch self {
        case .uint8(let v): Self.equal(v, value)
        case .int8(let v): Self.equal(v, value)
        case .int16(let v): Self.equal(v, value)
        case .uint16(let v): Self.equal(v, value)
        }
    }

    private static func distinct<T: FixedWidthInteger & Sendable>(_ values: UnsafeBufferPointer<T>) -> [Double] {
        var found = Set<T>()
        var previous: T = 0
        for v in values where v != previous {
            previous = v
            if v != 0 { found.insert(v) }
        }
        return found.map(Double.init).sorted()
    }

    private static func equal<T: FixedWidthInteger & Sendable>(_ values: UnsafeBufferPointer<T>, _ value: Double) -> [Bool] {
        guard let target = T(exactly: value) else { return [Bool](repeating: false, count: values.count) }
        return [Bool](unsafeUninitializedCapacity: values.count) { result, initialized in
            for i in values.indices { result[i] = values[i] == target }
            initialized = values.count
        }
    }
}
