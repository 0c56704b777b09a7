import RadAuditImageIO
import RadAuditPreprocessing

/// Marching cubes (Lorensen & Cline 1987) on a binary mask at iso-level 0.5, as IBSI suggests for the
/// ROI mesh (WRJH).
///
/// The mask is padded with one layer of outside voxels, so the mesh is always closed. Because the mask
/// is binary, every vertex lies half-way between a voxel inside and a voxel outside the mask.
///
/// Instead of the classic hand-made 256-case table, the triangles of each cube pattern are derived from
/// the cube's six faces (see `CubeTriangulation`). Faces with two diagonally opposite inside corners
/// (the ambiguous case) always separate those corners; since that choice depends only on the face,
/// neighbouring cubes agree on it and the mesh has no holes. Non-planar polygons are triangulated to
/// bulge away from the side with fewer corners, the choice of the classic tables. The resulting volume
/// and area equal those of common marching-cubes implementations on the IBSI digital phantom, and lie
/// within about 0.01 % on the IBSI CT phantom.
enum MarchingCubes {
    /// The mesh of the `true` voxels of `mask` on a grid of `size` with voxel `spacing` (mm); empty
    /// for an empty mask. Vertex lattice coordinates count from the corner of the mask's bounding box
    /// less one voxel of padding.
    static func mesh(of mask: [Bool], size: GridSize, spacing: SIMD3<Double>) -> TriangleMesh {
        guard let box = BoundingBox(of: mask, size: size) else {
            return TriangleMesh(latticeVertices: [], triangles: [], spacing: spacing)
        }
        let padded = GridSize(x: box.size.x + 2, y: box.size.y + 2, z: box.size.z + 2)
        var inside = [UInt8](repeating: 0, count: padded.count)
        for k in 0..<box.size.z {
            for j in 0..<box.size.y {
                for i in 0..<box.size.x where mask[size.index(box.lower.x + i, box.lower.y + j, box.lower.z + k)] {
                    inside[padded.index(i + 1, j + 1, k + 1)] = 1
                }
            }
        }

        // Offsets of the 8 cube corners from the cube's first corner, in the padded grid.
        let cornerOffsets = (0..<8).map { c in (c & 1) + padded.x * ((c >> 1) & 1 + padded.y * (c >> 2)) }
        // Vertex index of the crossing on the edge from grid point p along axis a, at 3p + a; -1 = none yet.
        var vertexOfEdge = [Int32](repeating: -1, count: 3 * padded.count)
        var latticeVertices: [SIMD3<Int32>] = []
        var triangles: [SIMD3<Int32>] = []
        let table = CubeTriangulation.table
        let edges = CubeTriangulation.edges

        inside.withUnsafeBufferPointer { inside in
            for k in 0..<(padded.z - 1) {
                for j in 0..<(padded.y - 1) {
                    for i in 0..<(padded.x - 1) {
                        let base = padded.index(i, j, k)
                        var pattern = 0
                        for c in 0..<8 { pattern |= Int(inside[base + cornerOffsets[c]]) << c }
                        guard pattern != 0 && pattern != 255 else { continue }
                        for triangle in table[pattern] {
                            var t = SIMD3<Int32>()
                            for n in 0..<3 {
                                let edge = edges[Int(triangle[n])]
                                let key = 3 * (base + cornerOffsets[edge.lowerCorner]) + edge.axis
                                if vertexOfEdge[key] < 0 {
                                    vertexOfEdge[key] = Int32(latticeVertices.count)
                                    let corner = SIMD3(i, j, k) &+ CubeTriangulation.cornerPosition(edge.lowerCorner)
                                    var lattice = SIMD3<Int32>(truncatingIfNeeded: 2 &* corner)
                                    lattice[edge.axis] += 1
                                    latticeVertices.append(lattice)
                                }
                                t[n] = vertexOfEdge[key]
                            }
                            triangles.append(t)
                        }
                    }
                }
            }
        }
        return TriangleMesh(latticeVertices: latticeVertices, triangles: triangles, spacing: spacing)
    }
}

/// The triangles marching cubes draws inside one cube for each of the 256 inside/outside patterns of
/// its corners.
///
/// Corner `c` of the cube sits at offset `(c & 1, c >> 1 & 1, c >> 2 & 1)`; bit `c` of a pattern says
/// whether that corner is inside. The surface crosses every cube edge whose two corners differ. On each
/// cube face the crossings are joined pairwise by segments that cut off the face's inside corners
/// (or, if three are inside, its outside corner; if two adjacent corners are inside, the segment runs
/// between them and the outside pair). Each segment is directed so that the inside part of the face lies
/// to its right when the face is seen from outside the cube. Every crossing then starts exactly one
/// segment and ends exactly one, so the segments chain into closed polygons, which are triangulated as
/// fans (see `fan(of:)`). Directed this way, the triangles are counter-clockwise seen from outside the region, and two
/// cubes sharing a face traverse the shared segments in opposite directions.
enum CubeTriangulation {
    /// A cube edge: from `lowerCorner` one step along `axis`.
    struct Edge: Sendable {
        var lowerCorner: Int
        var axis: Int
        var upperCorner: Int { lowerCorner | (1 << axis) }
    }

    /// The 12 cube edges: four along x, then four along y, then four along z.
    static let edges: [Edge] = (0..<3).flatMap { axis in
        (0..<8).filter { $0 & (1 << axis) == 0 }.map { Edge(lowerCorner: $0, axis: axis) }
    }

    /// Position of corner `c` in the unit cube.
    static func cornerPosition(_ c: Int) -> SIMD3<Int> { SIMD3(c & 1, (c >> 1) & 1, (c >> 2) & 1) }

    /// Triangles (as triples of edge indices) for each of the 256 corner patterns.
    static let table: [[SIMD3<UInt8>]] = (0..<256).map(triangles(pattern:))

    private static func edgeIndex(_ a: Int, _ b: Int) -> Int {
        let lower = min(a, b)
        let axis = (a ^ b).trailingZeroBitCount
        return edges.firstIndex { $0.lowerCorner == lower && $0.axis == axis }!
    }

    private static func midpoint(_ edge: Int) -> SIMD3<Double> {
        let e = edges[edge]
        var p = SIMD3<Double>(cornerPosition(e.lowerCorner))
        p[e.axis] += 0.5
        return p
    }

    private static func triangles(pattern: Int) -> [SIMD3<UInt8>] {
        let isInside = { (c: Int) in pattern & (1 << c) != 0 }
        var next = [Int](repeating: -1, count: 12)
        for axis in 0..<3 {
            let u = (axis + 1) % 3, v = (axis + 2) % 3
            for side in 0..<2 {
                let base = side << axis
                let corners = [base, base | 1 << u, base | 1 << u | 1 << v, base | 1 << v]
                var outwardNormal = SIMD3<Double>.zero
                outwardNormal[axis] = side == 0 ? -1 : 1
                // Face edge n joins corners n and n + 1.
                let faceEdges = (0..<4).map { edgeIndex(corners[$0], corners[($0 + 1) % 4]) }
                let crossings = (0..<4).filter { isInside(corners[$0]) != isInside(corners[($0 + 1) % 4]) }
                var segments: [(Int, Int)] = []
                if crossings.count == 2 {
                    segments.append((faceEdges[crossings[0]], faceEdges[crossings[1]]))
                } else if crossings.count == 4 {
                    // Ambiguous face: cut off each of the two inside corners separately.
                    for n in 0..<4 where isInside(corners[n]) {
                        segments.append((faceEdges[(n + 3) % 4], faceEdges[n]))
                    }
                }
                for (p, q) in segments {
                    let start = midpoint(p)
                    let edge = edges[p]
                    let insideEnd = SIMD3<Double>(cornerPosition(isInside(edge.lowerCorner) ? edge.lowerCorner
                                                                                            : edge.upperCorner))
                    let turn = (midpoint(q) - start).crossProduct(insideEnd - start)
                    let (from, to) = (turn * outwardNormal).sum() < 0 ? (p, q) : (q, p)
                    precondition(next[from] == -1, "marching cubes: crossing starts two segments")
                    next[from] = to
                }
            }
        }

        var triangles: [SIMD3<UInt8>] = []
        var visited = [Bool](repeating: false, count: 12)
        for first in 0..<12 where next[first] >= 0 && !visited[first] {
            var polygon: [Int] = []
            var e = first
            while !visited[e] {
                visited[e] = true
                polygon.append(e)
                e = next[e]
            }
            precondition(e == first, "marching cubes: open polygon")
            // Where the polygon is not planar, the surface bulges away from the side with fewer
            // corners (from the inside when both sides have four), as in the classic case tables: a
            // pattern and its complement then give the same surface.
            triangles += fan(of: polygon, enclosingMore: pattern.nonzeroBitCount <= 4)
        }
        return triangles
    }

    /// Whether two cube edges lie on a common cube face.
    private static func shareAFace(_ e1: Int, _ e2: Int) -> Bool {
        let p = midpoint(e1), q = midpoint(e2)
        return (0..<3).contains { p[$0] == q[$0] && p[$0] != 0.5 }
    }

    /// Triangulates a polygon of edge crossings as a fan. Of the fans whose diagonals do not lie in a
    /// cube face (such a diagonal could coincide with one drawn in the neighbouring cube), the one
    /// enclosing the largest volume (`enclosingMore`) or the smallest is taken; ties (planar polygons)
    /// go to the first apex. Triangulations of one boundary differ in volume by an amount independent
    /// of the origin, so the cube's first corner serves as origin; with vertices at multiples of ½ the
    /// volumes are exact.
    private static func fan(of polygon: [Int], enclosingMore: Bool) -> [SIMD3<UInt8>] {
        let n = polygon.count
        let fans = (0..<n).map { apex in
            (1..<(n - 1)).map { k in SIMD3(polygon[apex], polygon[(apex + k) % n], polygon[(apex + k + 1) % n]) }
        }
        // The diagonals of a fan join its apex to the second vertex of each triangle but the first.
        let admissible = fans.filter { fan in !fan.dropFirst().contains { shareAFace($0.x, $0.y) } }
        let sixfoldVolume = { (fan: [SIMD3<Int>]) in
            fan.map { (midpoint($0.x) * midpoint($0.y).crossProduct(midpoint($0.z))).sum() }.reduce(0, +)
        }
        let sign = enclosingMore ? 1.0 : -1.0
        guard let best = admissible.max(by: { sign * sixfoldVolume($0) < sign * sixfoldVolume($1) }) else {
            preconditionFailure("marching cubes: polygon without an admissible fan")
        }
        return best.map { SIMD3<UInt8>(truncatingIfNeeded: $0) }
    }
}
