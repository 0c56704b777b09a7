/// Why an image could not be processed into a region of interest. The description is one line.
public struct PreprocessingError: Error, CustomStringConvertible, Sendable, Equatable {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}
