import Foundation

/// Prints a warning (a per-feature problem that does not stop the command) on stderr.
func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
}
