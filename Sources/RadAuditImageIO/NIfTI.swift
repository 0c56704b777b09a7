import Foundation
import RadAuditCore

/// NIfTI-1 and NIfTI-2 images: `.nii`, `.nii.gz`, and `.hdr`/`.img` pairs (each optionally gzipped).
///
/// Geometry follows ITK: spacing from `pixdim`; orientation and origin from the sform when `sform_code > 0` and its
/// 3×3 part is a rotation times a scaling, else from the qform when `qform_code > 0`, else the identity; the RAS
/// coordinates of NIfTI are turned into LPS by negating x and y. Voxel values are scaled by `scl_slope`/`scl_inter`
/// when the slope is non-zero.
public enum NIfTI {
    /// The datatype codes of NIfTI and the voxel types they store.
    static let datatypes: [Int: VoxelType] = [
        2: .uint8, 4: .int16, 8: .int32, 16: .float32, 64: .float64,
        256: .int8, 512: .uint16, 768: .uint32, 1024: .int64, 1280: .uint64,
    ]

    public static func read(_ path: String) throws -> Volume<Double> { try load(path).volume }

    /// The volume and the voxel type stored in the file.
    public static func load(_ path: String) throws -> LoadedImage { try loadStored(path).loaded() }

    /// The geometry and the undecoded voxels (`hugePages`: see `ImageFile.loadStored(_:hugePages:)`).
    public static func loadStored(_ path: String, hugePages: Bool = false) throws -> StoredVolume {
        let headerPath: String
        var dataPath: String?
        let lower = path.lowercased()
        if lower.hasSuffix(".hdr") || lower.hasSuffix(".hdr.gz") {
            headerPath = path
            dataPath = companion(of: path, from: ".hdr", to: ".img")
        } else if lower.hasSuffix(".img") || lower.hasSuffix(".img.gz") {
            headerPath = companion(of: path, from: ".img", to: ".hdr") ?? path
            dataPath = path
        } else {
            headerPath = path
        }
        // A gzipped single file is inflated as far as the header now, and the rest in the background.
        let headerFile = try ImageFile.contents(of: headerPath)
        let headerInflater = Gzip.isCompressed(headerFile) ? try GzipInflater(headerFile, path: headerPath) : nil
        let headerBytes = try headerInflater?.inflatePrefix(Header.largestSize) ?? headerFile
        let header = try Header(headerBytes, path: headerPath)
        let needed = header.voxelCount * header.type.byteCount
        let voxelPath: String
        let offset: Int
        let bytes: VoxelBytes
        if let dataPath, dataPath != headerPath {
            // A gzipped header file is checked to its end; the voxels come from the other file.
            try headerInflater?.finish()
            (voxelPath, offset) = (dataPath, header.pairedDataOffset)
            let dataFile = try ImageFile.contents(of: dataPath)
            bytes = Gzip.isCompressed(dataFile)
                ? VoxelBytes(inflating: try GzipInflater(dataFile, path: dataPath), after: Data(), keeping: offset + needed,
                             hugePages: hugePages, shortage: { header.truncation(needed: needed, offset: offset, available: $0, path: dataPath) })
                : VoxelBytes(dataFile)
        } else if header.isPair {
            throw ImageIOError(path, "header says the voxels are in a separate .img file, which was not found")
        } else {
            (voxelPath, offset) = (path, header.voxelOffset)
            bytes = headerInflater.map {
                VoxelBytes(inflating: $0, after: headerBytes, keeping: offset + needed, hugePages: hugePages,
                           shortage: { header.truncation(needed: needed, offset: offset, available: $0, path: path) })
            } ?? VoxelBytes(headerBytes)
        }
        if bytes.count < offset + needed {
            throw header.truncation(needed: needed, offset: offset, available: bytes.count, path: voxelPath)
        }
        let voxels = StoredVoxels(bytes: bytes, offset: offset, count: header.voxelCount, type: header.type,
                                  order: header.order, slope: header.slope, intercept: header.intercept)
        return StoredVolume(geometry: header.geometry, voxels: voxels, storedType: header.type)
    }

    /// Writes a NIfTI-1 single-file image (`.nii`, or gzipped when `path` ends in `.gz`) atomically.
    ///
    /// `type` is the stored type (`.float32` by default; integer types round and must hold the values).
    public static func write(_ volume: Volume<Double>, to path: String, type: VoxelType = .float32) throws {
        guard let code = datatypes.first(where: { $0.value == type })?.key else {
            throw ImageIOError(path, "cannot write voxel type \(type.rawValue)")
        }
        var header = Data(count: 352)
        func put<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { header.replaceSubrange(offset..<offset + $0.count, with: $0) }
        }
        func putFloat(_ value: Double, _ offset: Int) { put(Float(value).bitPattern, offset) }
        let g = volume.geometry
        put(Int32(348), 0)
        put(UInt8(ascii: "r"), 38)
        let dims = [3, g.size.x, g.size.y, g.size.z, 1, 1, 1, 1]
        for (i, d) in dims.enumerated() {
            guard d <= Int(Int16.max) else { throw ImageIOError(path, "dimension \(d) is too large for NIfTI-1") }
            put(Int16(d), 40 + 2 * i)
        }
        put(Int16(code), 70)
        put(Int16(type.byteCount * 8), 72)
        // RAS transform = diag(-1, -1, 1) · (LPS direction · diag(spacing)), offset likewise.
        let flip: [Double] = [-1, -1, 1]
        var rotation = [Double](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 { rotation[3 * r + c] = flip[r] * g.direction[3 * r + c] } }
        let (quaternion, qfac) = Quaternion.fromRotation(rotation)
        let pixdim = [qfac, g.spacing.x, g.spacing.y, g.spacing.z, 0, 0, 0, 0]
        for (i, p) in pixdim.enumerated() { putFloat(p, 76 + 4 * i) }
        putFloat(352, 108)
        putFloat(1, 112)
        putFloat(0, 116)
        put(UInt8(2 | 8), 123)  // mm, s
        put(Int16(1), 252)  // qform: scanner
        put(Int16(1), 254)  // sform: scanner
        putFloat(quaternion.x, 256)
        putFloat(quaternion.y, 260)
        putFloat(quaternion.z, 264)
        let rasOrigin = [flip[0] * g.origin.x, flip[1] * g.origin.y, g.origin.z]
        for i in 0..<3 { putFloat(rasOrigin[i], 268 + 4 * i) }
        for r in 0..<3 {
            for c in 0..<3 { putFloat(rotation[3 * r + c] * g.spacing[c], 280 + 16 * r + 4 * c) }
            putFloat(rasOrigin[r], 280 + 16 * r + 12)
        }
        header.replaceSubrange(344..<348, with: Array("n+1\0".utf8))
        var file = header
        file.append(try encode(volume.voxels, as: type, path: path))
        if path.lowercased().hasSuffix(".gz") { file = try Gzip.compress(file, path: path) }
        try AtomicFile.write(file, to: path)
    }

    private static func encode(_ values: [Double], as type: VoxelType, path: String) throws -> Data {
        var data = Data(capacity: values.count * type.byteCount)
        func append<T: FixedWidthInteger>(_: T.Type) throws {
            for v in values {
                let r = v.rounded()
                guard r.isFinite, r >= Double(T.min), r <= Double(T.max) else {
                    throw ImageIOError(path, "value \(v) does not fit voxel type \(type.rawValue)")
                }
                withUnsafeBytes(of: T(r).littleEndian) { data.append(contentsOf: $0) }
            }
        }
        switch type {
        case .int8: try append(Int8.self)
        case .uint8: try append(UInt8.self)
        case .int16: try append(Int16.self)
        case .uint16: try append(UInt16.self)
        case .int32: try append(Int32.self)
        case .uint32: try append(UInt32.self)
        case .int64: try append(Int64.self)
        case .uint64: try append(UInt64.self)
        case .float32: for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        case .float64: for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        return data
    }

    private static func companion(of path: String, from: String, to: String) -> String? {
        let gz = path.lowercased().hasSuffix(".gz")
        let stem = String(path.dropLast(from.count + (gz ? 3 : 0)))
        for candidate in [stem + to, stem + to + ".gz", stem + to.uppercased(), stem + to.uppercased() + ".gz"]
        where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }

    /// The parts of a NIfTI-1 or NIfTI-2 header that RadAudit uses.
    struct Header {
        var order: ByteOrder
        var type: VoxelType
        var geometry: ImageGeometry
        var voxelCount: Int
        var voxelOffset: Int
        var slope: Double
        var intercept: Double
        /// `ni1`/`ni2` magic: voxels live in a separate `.img` file.
        var isPair: Bool
        var pairedDataOffset: Int

        /// Bytes of the larger (NIfTI-2) header with its extension flag: all that the header fields need.
        static let largestSize = 544

        /// The error for a file whose voxels, `needed` bytes after `offset`, are cut short at `available` bytes.
        func truncation(needed: Int, offset: Int, available: Int, path: String) -> ImageIOError {
            ImageIOError(path, "truncated: \(voxelCount) voxels of \(type.rawValue) need \(needed) bytes after offset "
                         + "\(offset), the file has \(max(0, available - offset))")
        }

        init(_ data: Data, path: String) throws {
            guard data.count >= 348 else {
                throw ImageIOError(path, "truncated header (\(data.count) bytes; a NIfTI header has at least 348)")
            }
            let little = FieldReader(data: data, order: .little)
            let size = little.integer(Int32.self, at: 0)
            let version: Int
            switch size {
            case 348: (order, version) = (.little, 1)
            case Int32(348).byteSwapped: (order, version) = (.big, 1)
            case 540: (order, version) = (.little, 2)
            case Int32(540).byteSwapped: (order, version) = (.big, 2)
            default: throw ImageIOError(path, "not a NIfTI file (header size field is \(size), expected 348 or 540)")
            }
            if version == 2 && data.count < 540 {
                throw ImageIOError(path, "truncated NIfTI-2 header (\(data.count) of 540 bytes)")
            }
            let f = FieldReader(data: data, order: order)
            let magic = version == 1 ? f.string(at: 344, length: 4) : f.string(at: 4, length: 4)
            guard (version == 1 ? ["n+1", "ni1"] : ["n+2", "ni2"]).contains(magic) else {
                throw ImageIOError(path, "bad NIfTI-\(version) magic \"\(magic)\" (header size \(version == 1 ? 348 : 540))")
            }
            isPair = magic.hasPrefix("ni")
            let datatype: Int
            var dims: [Int]
            var pixdim: [Double]
            var qformCode: Int, sformCode: Int
            var quatern: [Double], qoffset: [Double], srow: [Double]
            if version == 1 {
                datatype = Int(f.integer(Int16.self, at: 70))
                dims = (0..<8).map { Int(f.integer(Int16.self, at: 40 + 2 * $0)) }
                pixdim = (0..<8).map { f.float32(at: 76 + 4 * $0) }
                let offset = f.float32(at: 108)
                guard offset.isFinite, abs(offset) < 1e12 else { throw ImageIOError(path, "invalid voxel offset \(offset)") }
                voxelOffset = Int(offset)
                slope = f.float32(at: 112)
                intercept = f.float32(at: 116)
                qformCode = Int(f.integer(Int16.self, at: 252))
                sformCode = Int(f.integer(Int16.self, at: 254))
                quatern = (0..<3).map { f.float32(at: 256 + 4 * $0) }
                qoffset = (0..<3).map { f.float32(at: 268 + 4 * $0) }
                srow = (0..<12).map { f.float32(at: 280 + 4 * $0) }
            } else {
                datatype = Int(f.integer(Int16.self, at: 12))
                dims = (0..<8).map { Int(f.integer(Int64.self, at: 16 + 8 * $0)) }
                pixdim = (0..<8).map { f.float64(at: 104 + 8 * $0) }
                voxelOffset = Int(f.integer(Int64.self, at: 168))
                slope = f.float64(at: 176)
                intercept = f.float64(at: 184)
                qformCode = Int(f.integer(Int32.self, at: 344))
                sformCode = Int(f.integer(Int32.self, at: 348))
                quatern = (0..<3).map { f.float64(at: 352 + 8 * $0) }
                qoffset = (0..<3).map { f.float64(at: 376 + 8 * $0) }
                srow = (0..<12).map { f.float64(at: 400 + 8 * $0) }
            }
            pairedDataOffset = max(0, isPair ? voxelOffset : 0)
            guard let voxelType = NIfTI.datatypes[datatype] else {
                throw ImageIOError(path, "unsupported NIfTI datatype \(datatype) (supported: integer and real scalars)")
            }
            type = voxelType
            let rank = dims[0]
            guard (1...7).contains(rank) else { throw ImageIOError(path, "invalid number of dimensions \(rank)") }
            let extent = (0..<3).map { $0 < rank ? dims[$0 + 1] : 1 }
            // Dimensions 1–3 are checked with the grid below; those beyond must be at least 1 too.
            if rank > 3, let bad = dims[4...rank].firstIndex(where: { $0 < 1 }) {
                throw ImageIOError(path, "dim[\(bad)] is \(dims[bad]) with dim[0] = \(rank); every used dimension must be at least 1")
            }
            let bitpix = version == 1 ? Int(f.integer(Int16.self, at: 72)) : Int(f.integer(Int16.self, at: 14))
            guard bitpix == 8 * voxelType.byteCount else {
                throw ImageIOError(path, "bitpix \(bitpix) does not match datatype \(datatype) (\(voxelType.rawValue), "
                                   + "\(8 * voxelType.byteCount) bits)")
            }
            if rank > 3, dims[4...rank].contains(where: { $0 > 1 }) {
                throw ImageIOError(path, "\(rank)-dimensional image (\(dims[1...rank].map(String.init).joined(separator: "×"))); "
                                   + "only 3D scalar volumes are supported")
            }
            voxelCount = try ImageLimits.voxelCount(extent, path: path)
            for axis in 0..<3 where axis >= rank { pixdim[axis + 1] = 1 }
            let spacing = Array(pixdim[1...3])
            try ImageLimits.checkSpacing(spacing, path: path)
            // A single file holds the header and the 4-byte extension flag before the voxels.
            guard voxelOffset >= 0, voxelOffset < 1 << 40, isPair || voxelOffset >= (version == 1 ? 352 : 544) else {
                throw ImageIOError(path, "invalid voxel offset \(voxelOffset)")
            }
            if !(slope.isFinite && slope != 0) { (slope, intercept) = (1, 0) }
            if !intercept.isFinite { intercept = 0 }

            // Choose the RAS transform as ITK does, then convert to LPS.
            var rotation: [Double]  // RAS direction cosines (columns)
            var origin: [Double]
            let sformColumns = (0..<3).map { c in (0..<3).map { r in srow[4 * r + c] } }
            let sformNorms = sformColumns.map { ($0.map { $0 * $0 }.reduce(0, +)).squareRoot() }
            if sformCode > 0, !srow.allSatisfy(\.isFinite) {
                throw ImageIOError(path, "the sform (srow_x/y/z) holds a non-finite number")
            }
            let sformUsable = sformCode > 0 && sformNorms.allSatisfy { $0 > 0 && $0.isFinite }
                && Self.isOrthogonal(sformColumns.enumerated().map { i, c in c.map { $0 / sformNorms[i] } })
            if sformUsable {
                rotation = [Double](repeating: 0, count: 9)
                for r in 0..<3 { for c in 0..<3 { rotation[3 * r + c] = sformColumns[c][r] / sformNorms[c] } }
                origin = [srow[3], srow[7], srow[11]]
            } else if qformCode > 0 {
                guard (quatern + qoffset).allSatisfy(\.isFinite) else {
                    throw ImageIOError(path, "the qform (quatern_b/c/d, qoffset_x/y/z) holds a non-finite number and no usable sform")
                }
                rotation = Quaternion.rotation(b: quatern[0], c: quatern[1], d: quatern[2], qfac: pixdim[0] < 0 ? -1 : 1)
                origin = qoffset
            } else {
                rotation = ImageGeometry.identityDirection
                origin = [0, 0, 0]
            }
            let flip: [Double] = [-1, -1, 1]
            var direction = [Double](repeating: 0, count: 9)
            for r in 0..<3 { for c in 0..<3 { direction[3 * r + c] = flip[r] * rotation[3 * r + c] } }
            geometry = ImageGeometry(size: GridSize(x: extent[0], y: extent[1], z: extent[2]),
                                     spacing: SIMD3(spacing[0], spacing[1], spacing[2]),
                                     origin: SIMD3(flip[0] * origin[0], flip[1] * origin[1], origin[2]),
                                     direction: direction)
        }

        private static func isOrthogonal(_ columns: [[Double]]) -> Bool {
            for a in 0..<3 {
                for b in (a + 1)..<3 {
                    let dot = zip(columns[a], columns[b]).map { $0 * $1 }.reduce(0, +)
                    if abs(dot) > 1e-4 { return false }
                }
            }
            return true
        }
    }
}

/// Unit quaternions as NIfTI's qform stores them (`b, c, d`; `a` implied non-negative).
enum Quaternion {
    /// Rotation matrix (row-major) of the quaternion, third column multiplied by `qfac`.
    static func rotation(b: Double, c: Double, d: Double, qfac: Double) -> [Double] {
        var a = 1 - (b * b + c * c + d * d)
        var (b, c, d) = (b, c, d)
        if a < 1e-7 {
            let norm = (b * b + c * c + d * d).squareRoot()
            (a, b, c, d) = (0, b / norm, c / norm, d / norm)
        } else {
            a = a.squareRoot()
        }
        return [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), qfac * 2 * (b * d + a * c),
                2 * (b * c + a * d), a * a + c * c - b * b - d * d, qfac * 2 * (c * d - a * b),
                2 * (b * d - a * c), 2 * (c * d + a * b), qfac * (a * a + d * d - c * c - b * b)]
    }

    /// Quaternion `(b, c, d)` and `qfac` of an orthonormal matrix (row-major), the inverse of `rotation`.
    static func fromRotation(_ m: [Double]) -> (SIMD3<Double>, Double) {
        var r = m
        let det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6])
        let qfac: Double = det < 0 ? -1 : 1
        if det < 0 { r[2] = -r[2]; r[5] = -r[5]; r[8] = -r[8] }
        var a = r[0] + r[4] + r[8] + 1
        var b: Double, c: Double, d: Double
        if a > 0.5 {
            a = 0.5 * a.squareRoot()
            b = 0.25 * (r[7] - r[5]) / a
            c = 0.25 * (r[2] - r[6]) / a
            d = 0.25 * (r[3] - r[1]) / a
        } else {
            let xd = 1 + r[0] - (r[4] + r[8]), yd = 1 + r[4] - (r[0] + r[8]), zd = 1 + r[8] - (r[0] + r[4])
            if xd > 1 {
                b = 0.5 * xd.squareRoot(); c = 0.25 * (r[1] + r[3]) / b; d = 0.25 * (r[2] + r[6]) / b; a = 0.25 * (r[7] - r[5]) / b
            } else if yd > 1 {
                c = 0.5 * yd.squareRoot(); b = 0.25 * (r[1] + r[3]) / c; d = 0.25 * (r[5] + r[7]) / c; a = 0.25 * (r[2] - r[6]) / c
            } else {
                d = 0.5 * zd.squareRoot(); b = 0.25 * (r[2] + r[6]) / d; c = 0.25 * (r[5] + r[7]) / d; a = 0.25 * (r[3] - r[1]) / d
            }
            if a < 0 { (b, c, d) = (-b, -c, -d) }
        }
        return (SIMD3(b, c, d), qfac)
    }
}
