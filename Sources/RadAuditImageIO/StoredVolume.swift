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

    /// The distinct non-zero values (NaN excluded), ascending.
    public func distinctNonZero() -> [Double] {
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
        [Bool](unsafeUninitializedCapacity: count) { result, initialized in
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
