import Foundation

/// A limit on work or memory that RadAudit checks before allocating: a default that fits a 24 GB machine, which the
/// environment variable `variable` raises or lowers (a positive whole number). A refusal names the number it would
/// need and ``hint``. The limits and their variables are listed in `protocols/README.md` § Limits.
public struct ResourceLimit: Sendable {
    /// The environment variable, e.g. `RADAUDIT_MAX_VARIANTS`.
    public let variable: String
    public let defaultValue: Int

    public init(_ variable: String, default defaultValue: Int) {
        self.variable = variable
        self.defaultValue = defaultValue
    }

    /// The limit in force: the variable's value when it is a positive whole number, else the default.
    public var value: Int {
        if let text = ProcessInfo.processInfo.environment[variable], let value = Int(text), value > 0 { return value }
        return defaultValue
    }

    /// How to raise the limit, for messages: `set RADAUDIT_MAX_VARIANTS to raise it`.
    public var hint: String { "set \(variable) to raise it" }

    /// Voxels per image (2³²).
    public static let voxels = ResourceLimit("RADAUDIT_MAX_VOXELS", default: 1 << 32)
    /// Variants per case, the original included (10 000).
    public static let variants = ResourceLimit("RADAUDIT_MAX_VARIANTS", default: 10_000)
    /// Grey levels of a discretisation, and intensity steps of an IVH (2²⁰).
    public static let greyLevels = ResourceLimit("RADAUDIT_MAX_GREY_LEVELS", default: 1 << 20)
    /// Grey levels of a texture matrix (4096: a GLCM of N_g² cells stays within 128 MiB per direction).
    public static let textureLevels = ResourceLimit("RADAUDIT_MAX_TEXTURE_LEVELS", default: 4096)
    /// Voxels of an interpolated window around a ROI (2²⁷, 1 GiB per copy).
    public static let windowVoxels = ResourceLimit("RADAUDIT_MAX_WINDOW_VOXELS", default: 1 << 27)
    /// Voxels a filter kernel reaches from its centre along an axis (4096).
    public static let kernelRadius = ResourceLimit("RADAUDIT_MAX_KERNEL_RADIUS", default: 4096)
}
