import RadAuditImageIO

/// A closed, consistently oriented triangle mesh whose vertices lie on the half-voxel lattice of a
/// voxel grid (IBSI mesh-based representation, WRJH).
///
/// Marching cubes on a binary mask places every vertex half-way along a grid edge, so vertex positions
/// are stored exactly as integers in half-voxel units; the physical position (mm) of lattice point `p`
/// is `p ⊙ spacing / 2`. Triangles are counter-clockwise seen from outside (normals point out of the
/// region), and every edge is shared by exactly two triangles.
struct TriangleMesh: Sendable {
    /// Vertex positions in half-voxel units.
    var latticeVertices: [SIMD3<Int32>]
    /// Vertex indices of each triangle, counter-clockwise seen from outside.
    var triangles: [SIMD3<Int32>]
    /// Voxel spacing (mm) of the grid the mesh was drawn on.
    var spacing: SIMD3<Double>

    /// Physical size (mm) of one lattice step along each axis.
    var latticeScale: SIMD3<Double> { spacing / 2 }

    /// Physical position (mm) of a vertex.
    func position(of vertex: Int) -> SIMD3<Double> {
        SIMD3<Double>(latticeVertices[vertex]) * latticeScale
    }

    /// Smallest and largest lattice coordinate of the vertices, or `nil` for an empty mesh.
    var latticeBounds: (lower: SIMD3<Int32>, upper: SIMD3<Int32>)? {
        guard var lower = latticeVertices.first else { return nil }
        var upper = lower
        for v in latticeVertices {
            lower = pointwiseMin(lower, v)
            upper = pointwiseMax(upper, v)
        }
        return (lower, upper)
    }

    /// Enclosed volume `V = |Σ a·(b×c)| / 6` over the faces (IBSI RNU0), in mm³.
    ///
    /// The tetrahedra are spanned from the centre of the bounding box rather than the origin; for a
    /// closed mesh the sum does not depend on that point, and a nearby one keeps the terms small.
    var volume: Double {
        guard let bounds = latticeBounds else { return 0 }
        let centre = SIMD3<Double>(bounds.lower &+ bounds.upper) / 2 * latticeScale
        var sixfold = 0.0
        for t in triangles {
            let a = position(of: Int(t.x)) - centre
            let b = position(of: Int(t.y)) - centre
            let c = position(of: Int(t.z)) - centre
            sixfold += (a * b.crossProduct(c)).sum()
        }
        return abs(sixfold) / 6
    }

    /// Surface area `A = Σ |ab × ac| / 2` over the faces (IBSI C0JK), in mm².
    var area: Double {
        var doubled = 0.0
        for t in triangles {
            let a = position(of: Int(t.x))
            doubled += (position(of: Int(t.y)) - a).crossProduct(position(of: Int(t.z)) - a).euclideanNorm
        }
        return doubled / 2
    }
}

extension TriangleMesh {
    /// The largest distance (mm) between two vertices that share the lattice coordinate `axis` (0 = x, 1 = y,
    /// 2 = z): per plane, the diameter of the 2D convex hull of its vertices (Andrew's monotone chain), so each
    /// plane costs `O(n log n)` rather than `O(n²)`. 0 for an empty mesh.
    func maximumDiameter(inPlanesNormalTo axis: Int) -> Double {
        let (u, v) = ((axis + 1) % 3, (axis + 2) % 3)
        var planes: [Int32: [SIMD2<Int64>]] = [:]
        for p in latticeVertices { planes[p[axis], default: []].append(SIMD2(Int64(p[u]), Int64(p[v]))) }
        let scale = SIMD2(latticeScale[u], latticeScale[v])
        var largest = 0.0
        for points in planes.values {
            let hull = Self.convexHull2D(points)
            for a in 0..<hull.count {
                for b in (a + 1)..<max(a + 1, hull.count) {
                    let d = SIMD2<Double>(hull[a] &- hull[b]) * scale
                    largest = max(largest, (d * d).sum().squareRoot())
                }
            }
        }
        return largest
    }

    /// The vertices of the convex hull of `points` (integer lattice, exact orientation tests).
    private static func convexHull2D(_ points: [SIMD2<Int64>]) -> [SIMD2<Int64>] {
        let sorted = Set(points.map { [$0.x, $0.y] }).map { SIMD2($0[0], $0[1]) }
            .sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        guard sorted.count > 2 else { return sorted }
        func cross(_ o: SIMD2<Int64>, _ a: SIMD2<Int64>, _ b: SIMD2<Int64>) -> Int64 {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var hull: [SIMD2<Int64>] = []
        for pass in [sorted, sorted.reversed()] {
            let start = hull.count
            for p in pass {
                while hull.count >= start + 2 && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
                hull.append(p)
            }
            hull.removeLast()
        }
        return hull
    }
}
