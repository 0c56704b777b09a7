import Foundation

/// NRRD images (`.nrrd` with attached data, `.nhdr` with a detached data file): raw, gzip and ASCII encodings,
/// either byte order, `space directions` / `space origin` (or `spacings`), converted to LPS.
public enum NRRD {
    static let types: [String: VoxelType] = {
        var t: [String: VoxelType] = [:]
        for n in ["signed char", "int8", "int8_t"] { t[n] = .int8 }
        for n in ["uchar", "unsigned char", "uint8", "uint8_t"] { t[n] = .uint8 }
        for n in ["short", "short int", "signed short", "signed short int", "int16", "int16_t"] { t[n] = .int16 }
        for n in ["ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t"] { t[n] = .uint16 }
        for n in ["int", "signed int", "int32", "int32_t"] { t[n] = .int32 }
        for n in ["uint", "unsigned int", "uint32", "uint32_t"] { t[n] = .uint32 }
        for n in ["longlong", "long long", "long long int", "signed long long", "signed long long int", "int64", "int64_t"] {
            t[n] = .int64
        }
        for n in ["ulonglong", "unsigned long long", "unsigned long long int", "uint64", "uint64_t"] { t[n] = .uint64 }
        t["float"] = .float32
        t["double"] = .float64
        return t
    }()

    public static func read(_ path: String) throws -> Volume<Double> { try load(path).volume }

    /// The volume and the voxel type stored in the file.
    public static func load(_ path: String) throws -> LoadedImage { try loadStored(path).loaded() }

    /// The geometry and the undecoded voxels (`hugePages`: see `ImageFile.loadStored(_:hugePages:)`).
    public static func loadStored(_ path: String, hugePages: Bool = false) throws -> StoredVolume {
        let file = try ImageFile.contents(of: path)
        guard file.starts(with: Array("NRRD000".utf8)) else { throw ImageIOError(path, "not a NRRD file (no NRRD000x magic)") }
        // The header ends at the first empty line.
        var fields: [String: String] = [:]
        var cursor = file.startIndex
        var headerEnd: Int?
        var firstLine = true
        while cursor < file.endIndex {
            let lineEnd = file[cursor...].firstIndex(of: 0x0A) ?? file.endIndex
            var line = String(decoding: file[cursor..<lineEnd], as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            cursor = min(lineEnd + 1, file.endIndex)
            if firstLine { firstLine = false; continue }
            if line.isEmpty { headerEnd = cursor; break }
            if line.hasPrefix("#") || line.contains(":=") { continue }
            guard let colon = line.range(of: ": ") else { throw ImageIOError(path, "malformed header line \"\(line)\"") }
            fields[line[..<colon.lowerBound].lowercased()] = line[colon.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        let detached = fields["data file"] ?? fields["datafile"]
        if detached == nil && headerEnd == nil { throw ImageIOError(path, "truncated header (no blank line before the data)") }

        guard let typeName = fields["type"], let type = types[typeName.lowercased()] else {
            throw ImageIOError(path, "unsupported or missing NRRD type \"\(fields["type"] ?? "")\"")
        }
        guard let dimensionText = fields["dimension"], let dimension = Int(dimensionText), (1...3).contains(dimension) else {
            throw ImageIOError(path, "only 3D scalar NRRD volumes are supported (dimension \(fields["dimension"] ?? "missing"))")
        }
        let sizes = (fields["sizes"] ?? "").split(separator: " ").compactMap { Int($0) }
        guard sizes.count == dimension else { throw ImageIOError(path, "\"sizes\" does not list \(dimension) sizes") }
        let extent = (0..<3).map { $0 < dimension ? sizes[$0] : 1 }
        let count = try ImageLimits.voxelCount(extent, path: path)

        let (spacing, direction, origin) = try geometry(fields, dimension: dimension, path: path)
        try ImageLimits.checkSpacing(spacing, path: path)

        let encoding = (fields["encoding"] ?? "raw").lowercased()
        let order: ByteOrder
        switch (fields["endian"] ?? "little").lowercased() {
        case "little": order = .little
        case "big": order = .big
        case let other: throw ImageIOError(path, "header field 'endian: \(other)' must be little or big")
        }
        var payload: Data
        var dataPath = path
        if let detached {
            guard !detached.hasPrefix("LIST"), !detached.contains("%") else {
                throw ImageIOError(path, "multi-file NRRD data (\"data file: \(detached)\") is not supported")
            }
            let base = URL(fileURLWithPath: path).deletingLastPathComponent()
            dataPath = detached.hasPrefix("/") ? detached : base.appendingPathComponent(detached).path
            guard FileManager.default.fileExists(atPath: dataPath) else {
                throw ImageIOError(dataPath, "detached NRRD data file not found (named in \(path))")
            }
            payload = try ImageFile.contents(of: dataPath)
        } else {
            payload = file[headerEnd!...]
        }
        let lineSkipText = fields["line skip"] ?? fields["lineskip"] ?? "0"
        guard let lineSkip = Int(lineSkipText), lineSkip >= 0 else {
            throw ImageIOError(path, "header field 'line skip: \(lineSkipText)' must be a non-negative integer")
        }
        for skipped in 0..<lineSkip {
            guard let nl = payload.firstIndex(of: 0x0A) else {
                throw ImageIOError(dataPath, "truncated: 'line skip: \(lineSkip)' but the data has \(skipped) line(s)")
            }
            payload = payload[(nl + 1)...]
        }
        let byteSkipText = fields["byte skip"] ?? fields["byteskip"] ?? "0"
        guard let byteSkip = Int(byteSkipText), byteSkip >= -1 else {
            throw ImageIOError(path, "header field 'byte skip: \(byteSkipText)' must be -1 or a non-negative integer")
        }

        let voxels: StoredVoxels
        switch encoding {
        case "raw", "gzip", "gz":
            let needed = count * type.byteCount
            let voxelPath = dataPath
            @Sendable func truncated(_ available: Int) -> ImageIOError {
                ImageIOError(voxelPath, "truncated: \(count) voxels of \(type.rawValue) need \(needed) bytes, the data has \(available)")
            }
            let bytes: VoxelBytes
            let offset: Int
            if encoding != "raw" && byteSkip >= 0 {
                // Inflated in the background; readers wait for the bytes they use.
                bytes = VoxelBytes(inflating: try GzipInflater(payload, path: dataPath), after: Data(), keeping: byteSkip + needed,
                                   hugePages: hugePages, shortage: { truncated(max(0, $0 - byteSkip)) })
                offset = byteSkip
            } else {
                // Raw data, or a skip of -1 (the voxels end the data), which needs the data's length.
                let data = encoding == "raw" ? payload : try Gzip.decompress(payload, path: dataPath, sizeHint: needed)
                offset = byteSkip == -1 ? data.count - needed : byteSkip
                guard offset >= 0, data.count - offset >= needed else { throw truncated(max(0, data.count - max(offset, 0))) }
                bytes = VoxelBytes(data)
            }
            voxels = StoredVoxels(bytes: bytes, offset: offset, count: count, type: type, order: order)
        case "ascii", "text", "txt":
            let tokens = String(decoding: payload, as: UTF8.self)
                .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "," })
            var numbers: [Double] = []
            numbers.reserveCapacity(min(count, tokens.count))
            for (index, token) in tokens.prefix(count).enumerated() {
                // A value must be a number, and a finite whole one for an integer type.
                guard let value = Double(token), type.isFloatingPoint || (value.isFinite && value == value.rounded()) else {
                    throw ImageIOError(dataPath, "ASCII value \(index + 1) ('\(token.prefix(20))') is not a \(type.rawValue)")
                }
                numbers.append(value)
            }
            guard numbers.count >= count else {
                throw ImageIOError(dataPath, "truncated: \(count) ASCII values expected, \(numbers.count) found")
            }
            voxels = StoredVoxels(values: Array(numbers.prefix(count)))
        default:
            throw ImageIOError(path, "unsupported NRRD encoding \"\(encoding)\"")
        }
        let geometry = ImageGeometry(size: GridSize(x: extent[0], y: extent[1], z: extent[2]),
                                     spacing: SIMD3(spacing[0], spacing[1], spacing[2]),
                                     origin: origin, direction: direction)
        return StoredVolume(geometry: geometry, voxels: voxels, storedType: type)
    }

    /// Spacing, LPS direction (row-major, columns = axes) and LPS origin from the header fields.
    private static func geometry(_ fields: [String: String], dimension: Int, path: String)
        throws -> ([Double], [Double], SIMD3<Double>) {
        let space = (fields["space"] ?? "").lowercased()
        // Sign of x and y to go from the file's space to LPS.
        let toLPS: [Double]
        switch space {
        case "right-anterior-superior", "ras": toLPS = [-1, -1, 1]
        case "left-anterior-superior", "las": toLPS = [1, -1, 1]
        case "left-posterior-superior", "lps", "", "3d-right-handed", "3d-left-handed": toLPS = [1, 1, 1]
        case let other: throw ImageIOError(path, "unknown NRRD space '\(other)'")
        }
        var spacing = [Double](repeating: 1, count: 3)
        var direction = ImageGeometry.identityDirection
        if let text = fields["space directions"] {
            let vectors = try parseVectors(text, path: path, field: "space directions")
            let real = vectors.compactMap { $0 }
            guard real.count == dimension else {
                throw ImageIOError(path, "\"space directions\" must give \(dimension) vectors")
            }
            for (axis, v) in real.enumerated() {
                guard v.count == 3 else { throw ImageIOError(path, "\"space directions\" vectors must have 3 components") }
                let norm = (v.map { $0 * $0 }.reduce(0, +)).squareRoot()
                spacing[axis] = norm
                guard norm > 0, norm.isFinite else { continue }
                for r in 0..<3 { direction[3 * r + axis] = toLPS[r] * v[r] / norm }
            }
            // The axes must span space: a determinant near 0 means two (nearly) parallel axes.
            let d = direction
            let determinant = d[0] * (d[4] * d[8] - d[5] * d[7]) - d[1] * (d[3] * d[8] - d[5] * d[6]) + d[2] * (d[3] * d[7] - d[4] * d[6])
            guard abs(determinant) > 1e-3 else {
                throw ImageIOError(path, "\"space directions\" are not linearly independent (\(text))")
            }
        } else if let text = fields["spacings"] {
            let values = text.split(separator: " ").map { Double($0) ?? .nan }
            for axis in 0..<min(dimension, values.count) { spacing[axis] = values[axis] }
        }
        var origin = SIMD3<Double>.zero
        if let text = fields["space origin"] {
            guard let v = try parseVectors(text, path: path, field: "space origin").first ?? nil, v.count == 3 else {
                throw ImageIOError(path, "malformed \"space origin\"")
            }
            guard v.allSatisfy(\.isFinite) else { throw ImageIOError(path, "malformed \"space origin\" (not finite)") }
            origin = SIMD3(toLPS[0] * v[0], toLPS[1] * v[1], toLPS[2] * v[2])
        }
        return (spacing, direction, origin)
    }

    /// Parses `(a,b,c) (d,e,f) none` into vectors (`nil` for `none`).
    private static func parseVectors(_ text: String, path: String, field: String) throws -> [[Double]?] {
        var result: [[Double]?] = []
        for token in text.split(separator: " ") where !token.isEmpty {
            if token == "none" { result.append(nil); continue }
            guard token.hasPrefix("("), token.hasSuffix(")") else {
                throw ImageIOError(path, "malformed \"\(field)\" value \"\(text)\" (vectors are written (x,y,z))")
            }
            let inner = token.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            let numbers = inner.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard numbers.allSatisfy({ $0 != nil }) else { throw ImageIOError(path, "malformed \"\(field)\" value \"\(text)\"") }
            result.append(numbers.map { $0! })
        }
        return result
    }
}
