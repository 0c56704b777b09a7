import Foundation

/// Reads a CSV file record by record through a fixed-size buffer, so that tables larger than memory can be read (a
/// merge of a thousand shards' feature tables, the report of such a merge). Records follow ``CSVTable``'s rules; a
/// reader can stop and a new one resume at ``offset`` later, without keeping the file open in between.
public final class CSVStreamReader {
    public let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// Index in `buffer` of the next unread byte.
    private var position = 0
    private var endOfFile = false
    private let chunkSize: Int
    private var hasher: SHA256Digest.Hasher?
    /// Byte offset in the file of the next unread record.
    public private(set) var offset: UInt64
    /// Line (1-based) of the next unread record.
    public private(set) var line: Int

    /// - Parameters:
    ///   - offset, line: where to start (a record boundary returned by an earlier reader's ``offset`` and ``line``).
    ///   - hashing: keep a SHA-256 of every byte read (``digest()``; only meaningful from offset 0).
    public init(path: String, offset: UInt64 = 0, line: Int = 1, chunkSize: Int = 1 << 16, hashing: Bool = false) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CSVFileError(description: "\(path): " + (FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"))
        }
        self.handle = handle
        self.offset = offset
        self.line = line
        self.chunkSize = chunkSize
        hasher = hashing ? SHA256Digest.Hasher() : nil
        if offset > 0 {
            do { try handle.seek(toOffset: offset) } catch {
                throw CSVFileError(description: "\(path): cannot seek to byte \(offset)")
            }
        }
    }

    deinit { try? handle.close() }

    /// Reads more of the file into the buffer; false at the end of the file.
    private func fill() throws -> Bool {
        guard !endOfFile else { return false }
        let data: Data
        do {
            data = try handle.read(upToCount: chunkSize) ?? Data()
        } catch {
            throw CSVFileError(description: "\(path): cannot be read (\(error.localizedDescription))")
        }
        if data.isEmpty {
            endOfFile = true
            return false
        }
        hasher?.update(data)
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer.append(contentsOf: data)
        return true
    }

    /// The next record, or nil at the end of the file. Empty lines are skipped.
    public func next() throws -> CSVTable.Record? {
        while true {
            // The record ends at the first line feed outside quotes (a doubled quote toggles twice).
            var i = position, quoted = false, end: Int?
            while end == nil {
                while i < buffer.count {
                    let byte = buffer[i]
                    if byte == UInt8(ascii: "\"") { quoted.toggle() } else if byte == 0x0A && !quoted { end = i + 1; break }
                    i += 1
                }
                if end == nil {
                    let scanned = i - position
                    guard try fill() else { break }
                    i = position + scanned
                }
            }
            let stop = end ?? buffer.count
            guard stop > position else { return nil }
            let bytes = buffer[position..<stop]
            let startLine = line
            line += bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            if end == nil && bytes.last != 0x0A { line += 1 }
            offset += UInt64(stop - position)
            position = stop
            if bytes.allSatisfy({ $0 == 0x0A || $0 == 0x0D }) { continue }
            let records: [CSVTable.Record]
            do {
                records = try bytes.withUnsafeBufferPointer { try CSVTable.records(in: $0, trimmingSpaces: false) }
            } catch let error as CSVError {
                throw CSVFileError(description: "\(path):\(startLine + error.line - 1): malformed CSV (\(error.problem))")
            }
            guard var record = records.first else { continue }
            record.line = startLine
            return record
        }
    }

    /// The SHA-256 of every byte read so far (all of the file once ``next()`` has returned nil).
    public func digest() throws -> String {
        while try fill() {}
        return hasher?.finalize() ?? ""
    }
}

/// Writes a large text file through a buffer to a temporary file beside `path`, renamed over it by ``commit()``: a
/// reader never sees a partial file, and a writer dropped without committing leaves nothing behind.
public final class AtomicFileWriter {
    public let path: String
    private let temporary: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var committed = false
    private static let flushSize = 1 << 20

    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw FileWriteError(path: path, problem: "cannot be written (cannot create \(temporary.lastPathComponent))")
        }
        self.handle = handle
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    deinit {
        try? handle.close()
        if !committed { try? FileManager.default.removeItem(at: temporary) }
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.flushSize { try flush() }
    }

    /// One CSV record (quoted as ``CSVTable/render(header:rows:)`` quotes).
    public func writeRecord(_ fields: [String]) throws {
        try write(CSVTable.render(header: fields, rows: [[String]]()))
    }

    private func flush() throws {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw FileWriteError(path: path, problem: "cannot be written (\(error.localizedDescription))")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and renames the file into place.
    public func commit() throws {
        try flush()
        try? handle.close()
        guard rename(temporary.path, path) == 0 else {
            throw FileWriteError(path: path, problem: "cannot be written (\(String(cString: strerror(errno))))")
        }
        committed = true
    }
}
