import Foundation

/// Writes files so that readers never see a partial file: data goes to a temporary file in the same
/// directory, which is then renamed over the destination.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
            // rename(2) replaces the destination atomically.
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw FileWriteError(path: path, problem: "cannot be written (\(error.localizedDescription))")
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}

/// Why an output file could not be written, naming the file.
public struct FileWriteError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var problem: String
    public var description: String { "\(path): \(problem)" }
}
