#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import RadAuditImageIO
import RadAuditPreprocessing

/// The zones of one discretised region, labelled once for the families that read them (GLSZM and GLDZM) by
/// whichever asks first; the families may ask from different threads. In-plane and volume zones are labelled
/// separately, each when first needed.
public final class SharedZones: @unchecked Sendable {
    private let region: DiscretisedRegion
    private let planar = Slot(), volume = Slot()

    public init(_ region: DiscretisedRegion) { self.region = region }

    /// The zones 8-connected in each axial slice (`planar`) or 26-connected in the volume.
    func zones(planar inPlane: Bool) -> GreyLevelZones {
        let slot = inPlane ? planar : volume
        return slot.lock.withLock {
            if let zones = slot.zones { return zones }
            let zones = GreyLevelZones(region, planar: inPlane)
            slot.zones = zones
            return zones
        }
    }

    /// One labelling, made once under its lock.
    private final class Slot {
        let lock = NSLock()
        var zones: GreyLevelZones?
    }
}

/// The zones of a discretised region: maximal groups of connected intensity-mask voxels with one grey level
/// (IBSI linkage at Chebyshev distance 1). Labelled by flood fill in one pass over the grid, numbered in the
/// order of their first voxel.
///
/// The fill runs on a copy of the grey levels with a border of one empty voxel on every side, so that every
/// neighbour of a voxel is at a fixed linear offset and needs no bounds check; a labelled voxel's grey level
/// is cleared in the copy, so that one comparison tells whether a neighbour joins the zone.
struct GreyLevelZones {
    /// Zone number of every grid voxel; `-1` outside the intensity mask.
    let zoneOfVoxel: [Int32]
    /// Grey level of each zone.
    let levels: [Int32]
    /// Number of voxels of each zone.
    let sizes: [Int32]
    /// Zones of slice `z` are `sliceStarts[z]..<sliceStarts[z + 1]` (one "slice" for volume zones).
    let sliceStarts: [Int]
    /// Intensity-mask voxels per slice (one entry, the total, for volume zones).
    let voxelCounts: [Int]

    /// Labels zones 8-connected in each axial slice (`planar`) or 26-connected in the volume.
    init(_ region: DiscretisedRegion, planar: Bool) {
        let size = region.size
        let (nx, ny, nz) = (size.x, size.y, size.z)
        let bordered = GridSize(x: nx + 2, y: ny + 2, z: nz + 2)
        var unlabelled = [Int32](repeating: 0, count: bordered.count)
        var zoneOnBorderedGrid = [Int32](repeating: -1, count: bordered.count)
        var levels: [Int32] = []
        var sizes: [Int32] = []
        var sliceStarts = [0]
        var voxelCounts: [Int] = []
        let neighbourOffsets = (planar ? Neighbourhood.neighbours2D : Neighbourhood.neighbours3D)
            .map { $0.x + bordered.x * ($0.y + bordered.y * $0.z) }
        // Every voxel is pushed at most once, so a grid-sized stack never overflows. Entries are indices
        // into the bordered grid.
        var stack = [Int](repeating: 0, count: size.count)
        region.levels.withUnsafeBufferPointer { level in
            unlabelled.withUnsafeMutableBufferPointer { unlabelled in
                for z in 0..<nz {
                    for y in 0..<ny {
                        (unlabelled.baseAddress! + bordered.index(1, y + 1, z + 1))
                            .update(from: level.baseAddress! + size.index(0, y, z), count: nx)
                    }
                }
            }
        }
        unlabelled.withUnsafeMutableBufferPointer { unlabelled in
            zoneOnBorderedGrid.withUnsafeMutableBufferPointer { zone in
                stack.withUnsafeMutableBufferPointer { stack in
                    neighbourOffsets.withUnsafeBufferPointer { neighbourOffsets in
                        var voxelsInSlice = 0
                        for z in 0..<nz {
                            for y in 0..<ny {
                                for x in 0..<nx {
                                    let seed = bordered.index(x + 1, y + 1, z + 1)
                                    let grey = unlabelled[seed]
                                    guard grey > 0 else { continue }
                                    let id = Int32(levels.count)
                                    unlabelled[seed] = 0
                                    stack[0] = seed
                                    var top = 1
                                    var count: Int32 = 0
                                    while top > 0 {
                                        top &-= 1
                                        let voxel = stack[top]
                                        count &+= 1
                                        zone[voxel] = id
                                        for offset in neighbourOffsets {
                                            let q = voxel &+ offset
                                            if unlabelled[q] == grey {
                                                unlabelled[q] = 0
                                                stack[top] = q
                                                top &+= 1
                                            }
                                        }
                                    }
                                    levels.append(grey)
                                    sizes.append(count)
                                    voxelsInSlice &+= Int(count)
                                }
                            }
                            if planar {
                                sliceStarts.append(levels.count)
                                voxelCounts.append(voxelsInSlice)
                                voxelsInSlice = 0
                            }
                        }
                        if !planar {
                            sliceStarts.append(levels.count)
                            voxelCounts.append(voxelsInSlice)
                        }
                    }
                }
            }
        }
        var zoneOfVoxel = [Int32](repeating: -1, count: size.count)
        zoneOfVoxel.withUnsafeMutableBufferPointer { zoneOfVoxel in
            zoneOnBorderedGrid.withUnsafeBufferPointer { zone in
                for z in 0..<nz {
                    for y in 0..<ny {
                        (zoneOfVoxel.baseAddress! + size.index(0, y, z))
                            .update(from: zone.baseAddress! + bordered.index(1, y + 1, z + 1), count: nx)
                    }
                }
            }
        }
        self.zoneOfVoxel = zoneOfVoxel
        self.levels = levels
        self.sizes = sizes
        self.sliceStarts = sliceStarts
        self.voxelCounts = voxelCounts
    }

    /// Number of zones.
    var count: Int { levels.count }

    /// Number of slices (1 for volume zones).
    var sliceCount: Int { voxelCounts.count }

    /// The zone numbers of one slice.
    func zones(inSlice slice: Int) -> Range<Int> { sliceStarts[slice]..<sliceStarts[slice + 1] }
}
