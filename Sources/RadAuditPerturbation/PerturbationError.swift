/// Why a perturbation could not be applied (for example, it would leave the ROI empty). The description is one line;
/// an audit skips the variant and records it.
public struct PerturbationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}
