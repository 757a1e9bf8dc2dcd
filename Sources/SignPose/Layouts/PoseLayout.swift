/// Where a subset layout's points come from: `indices[i]` is the index in `parent` of point i.
public struct PoseSubsetOrigin: Equatable, Hashable, Codable, Sendable {
    public var parent: String
    public var indices: [Int]
    public init(parent: String, indices: [Int]) { self.parent = parent; self.indices = indices }
}

/// The keypoint layout of a pose sequence: named components (with point names, limbs, format), the
/// part groups (body, left hand, right hand, face, mouth) and each point's left/right mirror partner.
///
/// Parts and mirror partners are derived from the component and point names through the layout's
/// `family` (see `LayoutFamily`), so a layout read from a file uses the file's own names, and a subset
/// keeps exactly the parts and partners its points have. A part the layout lacks is absent
/// (`indices(of:)` returns nil); a point whose partner is not in the layout has partner nil.
public struct PoseLayout: Equatable, Hashable, Sendable {
    /// The registry name (`coco-wholebody-133`, `mslu-79`, …) or `custom` for an unregistered header.
    public let name: String
    public let family: LayoutFamily
    public let components: [PoseComponent]
    /// For subsets built as index selections of a registered layout: the parent and the indices.
    public let origin: PoseSubsetOrigin?
    /// Flat point indices of each present part, ascending. Absent parts have no key.
    public let partIndices: [PosePart: [Int]]
    /// `mirrorPartners[i]`: the point at the horizontally mirrored position of point i (itself for
    /// points on the mid-line), or nil when that point is not in the layout or has no known partner.
    public let mirrorPartners: [Int?]
    /// First flat index of each component.
    public let componentOffsets: [Int]
    public let pointCount: Int

    /// A layout over `components`, with parts and mirror partners derived from the names by `family`
    /// (detected from the component names when nil).
    public init(name: String, components: [PoseComponent], family: LayoutFamily? = nil, origin: PoseSubsetOrigin? = nil) {
        self.name = name
        self.components = components
        self.origin = origin
        var offsets = [Int](), total = 0
        for c in components { offsets.append(total); total += c.points.count }
        self.componentOffsets = offsets
        self.pointCount = total
        let fam = family ?? LayoutFamily.detect(componentNames: components.map(\.name))
        self.family = fam
        let semantics = fam.semantics(of: components, offsets: offsets)
        self.partIndices = semantics.parts
        self.mirrorPartners = semantics.mirror
    }

    /// The flat indices of `part`, or nil when the layout lacks it.
    public func indices(of part: PosePart) -> [Int]? { partIndices[part] }

    /// Whether the layout has at least one point of `part`.
    public func has(_ part: PosePart) -> Bool { partIndices[part] != nil }

    /// The parts this layout has, in `PosePart.allCases` order.
    public var presentParts: [PosePart] { PosePart.allCases.filter(has) }
    /// The parts this layout lacks.
    public var absentParts: [PosePart] { PosePart.allCases.filter { !has($0) } }

    /// Manual stream: body, then left hand, then right hand indices (absent parts contribute nothing).
    public var manualIndices: [Int] { PosePart.manual.flatMap { partIndices[$0] ?? [] } }
    /// Non-manual stream: face, then mouth indices (absent parts contribute nothing).
    public var nonManualIndices: [Int] { PosePart.nonManual.flatMap { partIndices[$0] ?? [] } }

    /// The mirror permutation (`p[i]` = partner of i) when every point has a partner in the layout, else nil.
    public var mirrorPermutation: [Int]? {
        var p = [Int]()
        p.reserveCapacity(pointCount)
        for m in mirrorPartners { guard let m else { return nil }; p.append(m) }
        return p
    }

    /// Stored dimensions: the longest component format minus its confidence letter (pose-format's rule).
    public var dims: Int { components.map(\.dims).max() ?? 0 }

    /// The stored dimension letters of the longest format, e.g. "XYZ".
    public var dimensionNames: String {
        guard let longest = components.max(by: { $0.format.count < $1.format.count }) else { return "" }
        return String(longest.format.dropLast())
    }

    /// (component name, point name) of flat point `index`.
    public func pointName(at index: Int) -> (component: String, point: String) {
        var c = componentOffsets.count - 1
        while c > 0 && componentOffsets[c] > index { c -= 1 }
        return (components[c].name, components[c].points[index - componentOffsets[c]])
    }

    /// The flat range of the component called `name`, or nil.
    public func componentRange(named name: String) -> Range<Int>? {
        guard let c = components.firstIndex(where: { $0.name == name }) else { return nil }
        return componentOffsets[c]..<(componentOffsets[c] + components[c].points.count)
    }

    /// Throws `missingPart` naming the layout and every part of `parts` that it lacks.
    public func require(_ parts: [PosePart], file: String = "<memory>") throws {
        let missing = parts.filter { !has($0) }
        guard missing.isEmpty else {
            let present = presentParts.map(\.displayName).joined(separator: ", ")
            throw PoseError(file, .missingPart, "layout \(name) has no \(missing.map(\.displayName).joined(separator: ", ")) "
                + "(needed: \(parts.map(\.displayName).joined(separator: ", ")); present: \(present.isEmpty ? "none" : present))")
        }
    }

    /// The layout keeping the points `indices` (strictly ascending flat indices), named `name`.
    /// Components left without points are dropped; limbs are renumbered (see `PoseComponent`).
    /// The origin records the indices relative to this layout's own origin, if it has one.
    public func selecting(_ indices: [Int], name: String) throws -> PoseLayout {
        for (n, i) in indices.enumerated() {
            guard i >= 0 && i < pointCount else {
                throw PoseError("<memory>", .invalidArgument, "point index \(i) is outside layout \(self.name) (\(pointCount) points)")
            }
            guard n == 0 || indices[n - 1] < i else {
                throw PoseError("<memory>", .invalidArgument, "selected indices must be strictly ascending (\(indices[n - 1]) then \(i))")
            }
        }
        var comps = [PoseComponent]()
        var k = 0
        for (c, comp) in components.enumerated() {
            let start = componentOffsets[c], end = start + comp.points.count
            var kept = [Int]()
            while k < indices.count && indices[k] < end { kept.append(indices[k] - start); k += 1 }
            if !kept.isEmpty { comps.append(comp.selecting(kept)) }
        }
        let origin = self.origin.map { o in PoseSubsetOrigin(parent: o.parent, indices: indices.map { o.indices[$0] }) }
            ?? PoseSubsetOrigin(parent: self.name, indices: indices)
        return PoseLayout(name: name, components: comps, family: family, origin: origin)
    }

    /// For each point of `target`, the index of the point with the same component and point name in
    /// this layout. Throws `shapeMismatch` naming the first point this layout lacks.
    public func indices(matching target: PoseLayout, file: String = "<memory>") throws -> [Int] {
        var lookup = [String: [String: Int]]()
        for (c, comp) in components.enumerated() {
            var m = [String: Int]()
            for (i, p) in comp.points.enumerated() where m[p] == nil { m[p] = componentOffsets[c] + i }
            lookup[comp.name] = m
        }
        var out = [Int]()
        out.reserveCapacity(target.pointCount)
        for comp in target.components {
            guard let m = lookup[comp.name] else {
                throw PoseError(file, .shapeMismatch, "layout \(name) has no component \(comp.name), which \(target.name) needs")
            }
            for p in comp.points {
                guard let i = m[p] else {
                    throw PoseError(file, .shapeMismatch, "layout \(name) has no point \(comp.name)/\(p), which \(target.name) needs")
                }
                out.append(i)
            }
        }
        return out
    }

    /// The component names and point counts, e.g. `POSE_LANDMARKS 33, FACE_LANDMARKS 468`.
    public var signature: String { components.map { "\($0.name) \($0.points.count)" }.joined(separator: ", ") }
}
