import ArgumentParser
import Foundation

/// The output directory of a command that writes several files (`audit`, `merge`, `sites`): it may be new or empty;
/// a directory that holds anything is refused unless the user says to write over it (`--overwrite`) or to continue
/// in it (`audit --resume`), so that an earlier audit is never mixed with or replaced by a new one by accident.
enum OutputDirectory {
    static func check(_ path: String, overwrite: Bool, resume: Bool = false) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw ValidationError("\(path) exists and is not a directory") }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard !entries.isEmpty, !overwrite, !resume else { return }
        throw ValidationError("\(path) is not empty (\(entries.count) entr\(entries.count == 1 ? "y" : "ies")): pass --overwrite to "
                              + "write over it\(resume ? "" : ", or choose another directory")")
    }
}
