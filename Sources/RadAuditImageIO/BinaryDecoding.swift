import Foundation
import RadAuditCore

/// Byte order of stored numbers.
public enum ByteOrder: Sendable {
    case little, big
    static let host: ByteOrder = (1.littleEndian == 1) ? .little : .big
}

/// Stored voxel types of NIfTI and NRRD files.
public enum VoxelType: String, Sendable, CaseIterable {
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    public var byteCount: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64: 8
        }
    }

    /// Whether the type holds real numbers (NaN and infinities included) rather than integers.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// The values an integer type holds (nil for floating-point types).
    public var integerRange: ClosedRange<Double>? {
        switch self {
        case .int8: Double(Int8.min)...Double(Int8.max)
        case .uint8: 0...Double(UInt8.max)
        case .int16: Double(Int16.min)...Double(Int16.max)
        case .uint16: 0...Double(UInt16.max)
        case .int32: Double(Int32.min)...Double(Int32.max)
        case .uint32: 0...Double(UInt32.max)
        case .int64: Double(Int64.min)...Double(Int64.max)
        case .uint64: 0...Double(UInt64.max)
        case .float32, .float64: nil
        }
    }
}

/// Reads fixed-size numbers at byte offsets of a buffer in a given byte order.
struct FieldReader {
    let data: Data
    let order: ByteOrder

    func integer<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        let raw = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        return order == .little ? T(littleEndian: raw) : T(bigEndian: raw)
    }

    func float32(at offset: Int) -> Double { Double(Float(bitPattern: integer(UInt32.self, at: offset))) }
    func float64(at offset: Int) -> Double { Double(bitPattern: integer(UInt64.self, at: offset)) }

    func string(at offset: Int, length: Int) -> String {
        let bytes = data[data.startIndex + offset ..< data.startIndex + offset + length].prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}

enum VoxelDecoder {
    /// Converts the `count` stored voxels at the start of `raw` into Doubles, applying `value·slope + intercept`.
    static func decode(_ raw: UnsafeRawBufferPointer, count: Int, type: VoxelType, order: ByteOrder,
                       slope: Double = 1, intercept: Double = 0) -> [Double] {
        var result = [Double](repeating: 0, count: count)
        result.withUnsafeMutableBufferPointer {
            decode(raw, into: $0, type: type, order: order, slope: slope, intercept: intercept)
        }
        return result
    }

    /// Converts the stored voxels at the start of `raw` into `out` (one per element), applying `value·slope + intercept`.
    static func decode(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<Double>, type: VoxelType,
                       order: ByteOrder, slope: Double = 1, intercept: Double = 0) {
        let count = out.count
        let swap = order != ByteOrder.host
        guard count > 0, let base = raw.baseAddress else { return }
        func fill<T>(_: T.Type, _ convert: (T) -> Double) {
            let stride = MemoryLayout<T>.size
            for i in 0..<count {
                out[i] = convert(base.loadUnaligned(fromByteOffset: i &* stride, as: T.self))
            }
        }
        switch type {
        case .int8: fill(Int8.self) { Double($0) }
        case .uint8: fill(UInt8.self) { Double($0) }
        case .int16: fill(Int16.self) { Double(swap ? $0.byteSwapped : $0) }
        case .uint16: fill(UInt16.self) { Double(swap ? $0.byteSwapped : $0) }
        case .int32: fill(Int32.self) { Double(swap ? $0.byteSwapped : $0) }
        case .uint32: fill(UInt32.self) { Double(swap ? $0.byteSwapped : $0) }
        case .int64: fill(Int64.self) { Double(swap ? $0.byteSwapped : $0) }
        case .uint64: fill(UInt64.self) { Double(swap ? $0.byteSwapped : $0) }
        case .float32: fill(UInt32.self) { Double(Float(bitPattern: swap ? $0.byteSwapped : $0)) }
        case .float64: fill(UInt64.self) { Double(bitPattern: swap ? $0.byteSwapped : $0) }
        }
        if slope != 1 || intercept != 0 {
            for i in 0..<count { out[i] = out[i] * slope + intercept }
        }
    }
}

enum ImageLimits {
    /// Largest voxel count a reader accepts, to refuse absurd headers before allocating: 2³² voxels by default (a
    /// header that claims more than its data holds is refused as truncated first, wherever the data length is known);
    /// `RADAUDIT_MAX_VOXELS` lowers or raises it.
    static var maximumVoxelCount: Int { ResourceLimit.voxels.value }

    /// Validates grid dimensions and returns the voxel count.
    static func voxelCount(_ dims: [Int], path: String) throws -> Int {
        for (axis, n) in dims.enumerated() where n <= 0 {
            throw ImageIOError(path, "dimension \(axis + 1) is \(n); every dimension must be at least 1")
        }
        var count = 1
        for n in dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow, product <= maximumVoxelCount else {
                throw ImageIOError(path, "grid \(dims.map(String.init).joined(separator: "×")) is absurdly large "
                                   + "(more than \(maximumVoxelCount) voxels; \(ResourceLimit.voxels.hint))")
            }
            count = product
        }
        return count
    }

    static func checkSpacing(_ spacing: [Double], path: String) throws {
        for (axis, s) in spacing.enumerated() where !(s.isFinite && s > 0) {
            throw ImageIOError(path, "voxel spacing along axis \(axis + 1) is \(s); it must be a positive finite number")
        }
    }
}
