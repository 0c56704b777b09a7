/// Why an image file could not be read or written. The description names the file and the problem in one line.
public struct ImageIOError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
