import RadAuditImageIO

/// The convex hull of a set of integer lattice points, scaled to physical units.
///
/// Built by quickhull (Barber, Dobkin & Huhdanpaa 1996) with exact integer orientation tests, so the
/// many coplanar points of a voxel mesh need no tolerances: a point is added only if it lies strictly
/// outside a face, and coplanar neighbouring faces are allowed. Faces are triangles, counter-clockwise
/// seen from outside. The physical position (mm) of lattice point `p` is `p ⊙ scale`; since scaling the
/// axes maps convex sets to convex sets, the hull of the scaled points is the scaled hull.
///
/// Fewer than four non-coplanar points give a degenerate hull with no faces (volume and area 0).
struct ConvexHull: Sendable {
    /// The input points in lattice units.
    let points: [SIMD3<Int64>]
    /// Physical size of one lattice step along each axis.
    let scale: SIMD3<Double>
    /// Hull faces as indices into `points`, counter-clockwise seen from outside.
    private(set) var faces: [SIMD3<Int>] = []

    init(points: [SIMD3<Int64>], scale: SIMD3<Double>) {
        self.points = points
        self.scale = scale
        var builder = QuickhullBuilder(points: points)
        faces = builder.build()
    }

    /// Indices of the points that are vertices of the hull (all points if the hull is degenerate).
    var vertexIndices: [Int] {
        guard !faces.isEmpty else { return Array(points.indices) }
        var isVertex = [Bool](repeating: false, count: points.count)
        for f in faces { isVertex[f.x] = true; isVertex[f.y] = true; isVertex[f.z] = true }
        return points.indices.filter { isVertex[$0] }
    }

    /// Physical position (mm) of point `index`.
    func position(of index: Int) -> SIMD3<Double> { SIMD3<Double>(points[index]) * scale }

    /// Enclosed volume, `|Σ a·(b×c)| / 6` over the faces, as for the mesh volume (RNU0).
    var volume: Double {
        guard let first = faces.first else { return 0 }
        let centre = position(of: first.x)
        var sixfold = 0.0
        for f in faces {
            let a = position(of: f.x) - centre, b = position(of: f.y) - centre, c = position(of: f.z) - centre
            sixfold += (a * b.crossProduct(c)).sum()
        }
        return abs(sixfold) / 6
    }

    /// Surface area, `Σ |ab × ac| / 2` over the faces.
    var area: Double {
        var doubled = 0.0
        for f in faces {
            let a = position(of: f.x)
            doubled += (position(of: f.y) - a).crossProduct(position(of: f.z) - a).euclideanNorm
        }
        return doubled / 2
    }

    /// The largest distance between two hull vertices, which is the largest distance between any two
    /// points (the two farthest points of a set are vertices of its hull). `O(h²)` in the number of
    /// hull vertices; 0 for fewer than two points.
    var diameter: Double {
        let vertices = vertexIndices.map(position(of:))
        var largest = 0.0
        vertices.withUnsafeBufferPointer { v in
            for a in v.indices {
                for b in (a + 1)..<v.count {
                    let d = v[a] - v[b]
                    largest = max(largest, (d * d).sum())
                }
            }
        }
        return largest.squareRoot()
    }
}

/// The state of a quickhull construction: faces with their neighbours and outside ("conflict") points.
private struct QuickhullBuilder {
    struct Face {
        /// Vertex indices, counter-clockwise seen from outside.
        var vertices: SIMD3<Int>
        /// `neighbours[n]` is the face across the edge from `vertices[n]` to `vertices[(n + 1) % 3]`.
        var neighbours = SIMD3<Int>(-1, -1, -1)
        /// Outward normal `(b − a) × (c − a)` and offset `normal · a`; the height of point `p` above the
        /// face is `normal · p − offset` (in units of the normal's length).
        var normal: SIMD3<Int64>
        var offset: Int64
        /// Points strictly above this face (and assigned to it), with the highest one.
        var conflicts: [Int] = []
        var highest = -1
        var highestHeight: Int64 = 0
        var isAlive = true
    }

    let points: [SIMD3<Int64>]
    var faces: [Face] = []

    init(points: [SIMD3<Int64>]) { self.points = points }

    func height(of point: Int, above face: Face) -> Int64 {
        (face.normal &* points[point]).wrappedSum() - face.offset
    }

    func makeFace(_ a: Int, _ b: Int, _ c: Int) -> Face {
        let u = points[b] &- points[a], v = points[c] &- points[a]
        let normal = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
        return Face(vertices: SIMD3(a, b, c), normal: normal, offset: (normal &* points[a]).wrappedSum())
    }

    /// Assigns `point` to the first of `candidates` it lies strictly above; drops it if there is none
    /// (it is then inside or on the hull).
    mutating func assign(_ point: Int, toOneOf candidates: some Sequence<Int>) {
        for f in candidates {
            let h = height(of: point, above: faces[f])
            if h > 0 {
                faces[f].conflicts.append(point)
                if h > faces[f].highestHeight {
                    faces[f].highestHeight = h
                    faces[f].highest = point
                }
                return
            }
        }
    }

    /// Four points spanning a tetrahedron, or `nil` if all points are coplanar.
    func initialSimplex() -> (Int, Int, Int, Int)? {
        guard let p0 = points.indices.min(by: { (points[$0].x, points[$0].y, points[$0].z)
                                                < (points[$1].x, points[$1].y, points[$1].z) }) else { return nil }
        let squaredDistance = { (i: Int) -> Int64 in let d = points[i] &- points[p0]; return (d &* d).wrappedSum() }
        guard let p1 = points.indices.max(by: { squaredDistance($0) < squaredDistance($1) }),
              squaredDistance(p1) > 0 else { return nil }
        let axis = points[p1] &- points[p0]
        let offAxis = { (i: Int) -> Int64 in
            let d = points[i] &- points[p0]
            let c = SIMD3(axis.y * d.z - axis.z * d.y, axis.z * d.x - axis.x * d.z, axis.x * d.y - axis.y * d.x)
            return (c &* c).wrappedSum()
        }
        guard let p2 = points.indices.max(by: { offAxis($0) < offAxis($1) }), offAxis(p2) > 0 else { return nil }
        let base = makeFace(p0, p1, p2)
        let offPlane = { (i: Int) -> Int64 in abs(height(of: i, above: base)) }
        guard let p3 = points.indices.max(by: { offPlane($0) < offPlane($1) }), offPlane(p3) > 0 else { return nil }
        return (p0, p1, p2, p3)
    }

    /// Runs quickhull and returns the hull faces (empty if the points are coplanar).
    mutating func build() -> [SIMD3<Int>] {
        guard let (p0, p1, p2, p3) = initialSimplex() else { return [] }
        let simplex = [p0, p1, p2, p3]
        for opposite in 0..<4 {
            let others = simplex.enumerated().filter { $0.offset != opposite }.map(\.element)
            var face = makeFace(others[0], others[1], others[2])
            if height(of: simplex[opposite], above: face) > 0 { face = makeFace(others[0], others[2], others[1]) }
            faces.append(face)
        }
        for f in 0..<4 {
            for n in 0..<3 {
                let a = faces[f].vertices[n], b = faces[f].vertices[(n + 1) % 3]
                faces[f].neighbours[n] = (0..<4).first { g in g != f && (0..<3).contains { m in
                    faces[g].vertices[m] == b && faces[g].vertices[(m + 1) % 3] == a } }!
            }
        }
        for p in points.indices where !simplex.contains(p) {
            assign(p, toOneOf: 0..<4)
        }

        var pending = Array(0..<4)
        var visibleMark: [Int] = Array(repeating: -1, count: 4)
        var newFaceStartingAt: [Int: Int] = [:]
        var newFaceEndingAt: [Int: Int] = [:]
        var iteration = 0
        while let current = pending.popLast() {
            guard faces[current].isAlive, faces[current].highest >= 0 else { continue }
            let eye = faces[current].highest
            iteration += 1

            // Faces visible from the eye (connected, starting from `current`) and their horizon edges.
            var visible = [current]
            var horizon: [(from: Int, to: Int, outside: Int)] = []
            visibleMark[current] = iteration
            var stack = [current]
            while let f = stack.popLast() {
                for n in 0..<3 {
                    let g = faces[f].neighbours[n]
                    if visibleMark[g] == iteration { continue }
                    if height(of: eye, above: faces[g]) > 0 {
                        visibleMark[g] = iteration
                        visible.append(g)
                        stack.append(g)
                    } else {
                        horizon.append((faces[f].vertices[n], faces[f].vertices[(n + 1) % 3], g))
                    }
                }
            }

            // One new face per horizon edge, joined to the eye.
            newFaceStartingAt.removeAll(keepingCapacity: true)
            newFaceEndingAt.removeAll(keepingCapacity: true)
            var newFaces: [Int] = []
            for edge in horizon {
                let index = faces.count
                var face = makeFace(edge.from, edge.to, eye)
                face.neighbours[0] = edge.outside
                faces.append(face)
                visibleMark.append(-1)
                let outside = faces[edge.outside]
                for m in 0..<3 where outside.vertices[m] == edge.to && outside.vertices[(m + 1) % 3] == edge.from {
                    faces[edge.outside].neighbours[m] = index
                }
                newFaceStartingAt[edge.from] = index
                newFaceEndingAt[edge.to] = index
                newFaces.append(index)
            }
            for f in newFaces {
                faces[f].neighbours[1] = newFaceStartingAt[faces[f].vertices[1]]!
                faces[f].neighbours[2] = newFaceEndingAt[faces[f].vertices[0]]!
            }

            for f in visible {
                faces[f].isAlive = false
                let conflicts = faces[f].conflicts
                faces[f].conflicts = []
                for p in conflicts where p != eye {
                    assign(p, toOneOf: newFaces)
                }
            }
            pending.append(contentsOf: newFaces.filter { faces[$0].highest >= 0 })
        }
        return faces.filter(\.isAlive).map(\.vertices)
    }
}
