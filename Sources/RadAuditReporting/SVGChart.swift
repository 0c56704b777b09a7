import Foundation
import RadAuditCore
import RadAuditAudit

/// A linear map from a data interval to a pixel interval.
struct LinearScale {
    var domain: ClosedRange<Double>
    var range: ClosedRange<Double>
    /// When true, `domain.lowerBound` maps to `range.upperBound` (y axes grow upwards).
    var flipped = false

    func callAsFunction(_ value: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        let t = span > 0 ? (value - domain.lowerBound) / span : 0.5
        let u = flipped ? 1 - t : t
        return range.lowerBound + u * (range.upperBound - range.lowerBound)
    }

    /// Ticks at a 1-2-5 step inside the domain, about `count` of them.
    func ticks(_ count: Int = 5) -> [Double] {
        let step = Self.niceStep(domain.upperBound - domain.lowerBound, count: count)
        guard step > 0, step.isFinite else { return [domain.lowerBound] }
        var ticks: [Double] = []
        var k = (domain.lowerBound / step).rounded(.up)
        while k * step <= domain.upperBound + step * 1e-9 {
            let tick = k * step
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            k += 1
        }
        return ticks
    }

    /// The domain widened to the nearest multiples of the 1-2-5 tick step.
    func niced(_ count: Int = 5) -> LinearScale {
        let step = Self.niceStep(domain.upperBound - domain.lowerBound, count: count)
        guard step > 0, step.isFinite else { return self }
        var copy = self
        copy.domain = (domain.lowerBound / step).rounded(.down) * step...(domain.upperBound / step).rounded(.up) * step
        return copy
    }

    /// The tick step: 1, 2 or 5 times a power of ten, giving about `count` intervals over `span`.
    static func niceStep(_ span: Double, count: Int) -> Double {
        guard span > 0, span.isFinite, count > 0 else { return 0 }
        let raw = span / Double(count)
        let power = pow(10, floor(log10(raw)))
        let fraction = raw / power
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10
        return nice * power
    }

    /// Tick labels with as many decimals as the step needs.
    func label(_ value: Double, ticks: [Double]) -> String {
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : abs(value)
        let decimals = step > 0 ? max(0, -Int(floor(log10(step) + 1e-9))) : 0
        if abs(value) >= 1e6 { return String(format: "%.2g", value) }
        let text = DecimalText.fixed(value, decimals: decimals)
        return text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }

    /// A domain covering `values` (finite ones), padded, or `fallback` when there are none.
    static func extent(_ values: [Double], padding: Double = 0.05, fallback: ClosedRange<Double> = 0...1) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return fallback }
        if low == high { return (low - max(abs(low) * 0.1, 1))...(high + max(abs(high) * 0.1, 1)) }
        let pad = (high - low) * padding
        return (low - pad)...(high + pad)
    }
}

/// Evenly spaced bands for categories along an axis.
struct BandScale {
    var count: Int
    var range: ClosedRange<Double>

    var bandwidth: Double { count > 0 ? (range.upperBound - range.lowerBound) / Double(count) : 0 }

    /// Centre of band `index`.
    func centre(_ index: Int) -> Double { range.lowerBound + (Double(index) + 0.5) * bandwidth }

    func start(_ index: Int) -> Double { range.lowerBound + Double(index) * bandwidth }
}

/// An inline SVG drawing built from escaped primitives; every mark can carry a `<title>` tooltip.
struct SVGCanvas {
    let width: Double
    let height: Double
    private(set) var body = ""
    private var definitions = ""

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Coordinates with at most two decimals, no trailing zeros.
    static func f(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        var text = DecimalText.fixed(value, decimals: 2)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    private static func titled(_ tag: String, _ attributes: String, title: String?) -> String {
        guard let title else { return "<\(tag) \(attributes)/>\n" }
        return "<\(tag) \(attributes)><title>\(HTML.escape(title))</title></\(tag)>\n"
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
                       opacity: Double? = nil, title: String? = nil) {
        var attributes = "x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(max(width, 0)))\" height=\"\(Self.f(max(height, 0)))\" fill=\"\(fill)\""
        if let stroke { attributes += " stroke=\"\(stroke)\" stroke-width=\"0.5\"" }
        if let opacity { attributes += " fill-opacity=\"\(Self.f(opacity))\"" }
        body += Self.titled("rect", attributes, title: title)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#1b1f24", width: Double = 1,
                       dash: String? = nil, title: String? = nil) {
        var attributes = "x1=\"\(Self.f(x1))\" y1=\"\(Self.f(y1))\" x2=\"\(Self.f(x2))\" y2=\"\(Self.f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.f(width))\""
        if let dash { attributes += " stroke-dasharray=\"\(dash)\"" }
        body += Self.titled("line", attributes, title: title)
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String? = nil, title: String? = nil) {
        var attributes = "cx=\"\(Self.f(x))\" cy=\"\(Self.f(y))\" r=\"\(Self.f(radius))\" fill=\"\(fill)\""
        if let stroke { attributes += " stroke=\"\(stroke)\" stroke-width=\"1\"" }
        body += Self.titled("circle", attributes, title: title)
    }

    /// A diamond marker centred on (x, y).
    mutating func diamond(x: Double, y: Double, size: Double, fill: String, title: String? = nil) {
        let points = [(x, y - size), (x + size, y), (x, y + size), (x - size, y)]
            .map { "\(Self.f($0.0)),\(Self.f($0.1))" }.joined(separator: " ")
        body += Self.titled("polygon", "points=\"\(points)\" fill=\"\(fill)\"", title: title)
    }

    /// A horizontal interval with end caps (a confidence interval), plus its point estimate.
    mutating func errorBar(low: Double, high: Double, y: Double, estimate: Double, colour: String, title: String?) {
        var group = SVGCanvas(width: width, height: height)
        group.line(x1: low, y1: y, x2: high, y2: y, stroke: colour, width: 1.5)
        group.line(x1: low, y1: y - 3, x2: low, y2: y + 3, stroke: colour, width: 1.5)
        group.line(x1: high, y1: y - 3, x2: high, y2: y + 3, stroke: colour, width: 1.5)
        group.circle(x: estimate, y: y, radius: 3.2, fill: colour)
        self.group(group, title: title)
    }

    mutating func text(_ text: String, x: Double, y: Double, anchor: String = "start", size: Double = 11,
                       weight: String? = nil, rotate: Double? = nil, fill: String? = nil) {
        var attributes = "x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" font-size=\"\(Self.f(size))\""
        if anchor != "start" { attributes += " text-anchor=\"\(anchor)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let fill { attributes += " style=\"fill:\(fill)\"" }
        if let rotate { attributes += " transform=\"rotate(\(Self.f(rotate)) \(Self.f(x)) \(Self.f(y)))\"" }
        body += "<text \(attributes)>\(HTML.escape(text))</text>\n"
    }

    /// Draws another canvas's marks inside a `<g>` with an optional tooltip for the whole group.
    mutating func group(_ other: SVGCanvas, title: String?) {
        body += "<g>" + (title.map { "<title>\(HTML.escape($0))</title>" } ?? "") + "\n" + other.body + "</g>\n"
    }

    /// A horizontal axis at `y` with ticks, grid lines up to `gridTop` and a label.
    mutating func bottomAxis(_ scale: LinearScale, y: Double, gridTop: Double? = nil, label: String, ticks: Int = 6) {
        let values = scale.ticks(ticks)
        line(x1: scale.range.lowerBound, y1: y, x2: scale.range.upperBound, y2: y)
        for value in values {
            let x = scale(value)
            if let gridTop { line(x1: x, y1: gridTop, x2: x, y2: y, stroke: "#d0d5db", width: 0.5) }
            line(x1: x, y1: y, x2: x, y2: y + 4)
            text(scale.label(value, ticks: values), x: x, y: y + 15, anchor: "middle", size: 10)
        }
        text(label, x: (scale.range.lowerBound + scale.range.upperBound) / 2, y: y + 32, anchor: "middle", size: 11, weight: "600")
    }

    /// A vertical axis at `x` with ticks, grid lines to `gridRight` and a rotated label.
    mutating func leftAxis(_ scale: LinearScale, x: Double, gridRight: Double? = nil, label: String, ticks: Int = 5) {
        let values = scale.ticks(ticks)
        line(x1: x, y1: scale.range.lowerBound, x2: x, y2: scale.range.upperBound)
        for value in values {
            let y = scale(value)
            if let gridRight { line(x1: x, y1: y, x2: gridRight, y2: y, stroke: "#d0d5db", width: 0.5) }
            line(x1: x - 4, y1: y, x2: x, y2: y)
            text(scale.label(value, ticks: values), x: x - 7, y: y + 3.5, anchor: "end", size: 10)
        }
        let middle = (scale.range.lowerBound + scale.range.upperBound) / 2
        text(label, x: x - 52, y: middle, anchor: "middle", size: 11, weight: "600", rotate: -90)
    }

    /// A legend of coloured swatches starting at (x, y), wrapped onto further rows (18 px apart) before `maxX`;
    /// returns the x after the last entry.
    @discardableResult
    mutating func legend(_ entries: [(label: String, colour: String)], x: Double, y: Double, marker: String = "square",
                         maxX: Double = .infinity) -> Double {
        var cursor = x
        var y = y
        for entry in entries {
            let width = (marker == "line" ? 18 : 16) + Double(entry.label.count) * 6.6 + 16
            if cursor > x && cursor + width > maxX {
                cursor = x
                y += 18
            }
            switch marker {
            case "circle": circle(x: cursor + 5, y: y - 4, radius: 4.5, fill: entry.colour)
            case "line": line(x1: cursor, y1: y - 4, x2: cursor + 14, y2: y - 4, stroke: entry.colour, width: 2)
            default: rect(x: cursor, y: y - 10, width: 12, height: 12, fill: entry.colour, stroke: "#5b6470")
            }
            text(entry.label, x: cursor + (marker == "line" ? 18 : 16), y: y, size: 11)
            cursor += (marker == "line" ? 18 : 16) + Double(entry.label.count) * 6.6 + 16
        }
        return cursor
    }

    /// A horizontal colour gradient legend over `domain` from `stops` (offset 0…1, colour), with labelled marks.
    mutating func gradientLegend(id: String, stops: [(Double, String)], x: Double, y: Double, width: Double,
                                 domain: ClosedRange<Double>, marks: [Double], title: String) {
        definitions += "<linearGradient id=\"\(id)\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">"
            + stops.map { "<stop offset=\"\(Self.f($0.0))\" stop-color=\"\($0.1)\"/>" }.joined() + "</linearGradient>\n"
        text(title, x: x, y: y - 6, size: 11, weight: "600")
        body += "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(width))\" height=\"10\" fill=\"url(#\(id))\" stroke=\"#5b6470\" stroke-width=\"0.5\"/>\n"
        let scale = LinearScale(domain: domain, range: x...(x + width))
        for mark in marks {
            line(x1: scale(mark), y1: y + 10, x2: scale(mark), y2: y + 14)
            text(HTML.number(mark, digits: 2), x: scale(mark), y: y + 25, anchor: "middle", size: 10)
        }
    }

    /// The inline `<svg>` element (HTML needs no namespace declaration) with an accessible title and description.
    func render(title: String, description: String) -> String {
        "<svg viewBox=\"0 0 \(Self.f(width)) \(Self.f(height))\" width=\"\(Self.f(width))\" "
            + "height=\"\(Self.f(height))\" role=\"img\"><title>\(HTML.escape(title))</title><desc>\(HTML.escape(description))</desc>\n"
            + (definitions.isEmpty ? "" : "<defs>\(definitions)</defs>\n") + body + "</svg>\n"
    }
}

/// Colours of the charts.
enum ChartColour {
    /// Okabe & Ito's colour-blind-safe qualitative palette.
    static let categorical = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]

    static func category(_ index: Int) -> String { categorical[index % categorical.count] }

    /// Diverging stops for agreement statistics, white at the default robustness threshold (0.75).
    static let agreementStops: [(Double, String)] = [
        (0, "#b2182b"), (0.5, "#f4a582"), (0.75, "#f7f7f7"), (0.9, "#92c5de"), (1, "#2166ac"),
    ]

    /// The colour of an agreement value (clamped to [0, 1]); grey for NaN.
    static func agreement(_ value: Double) -> String {
        guard value.isFinite else { return "#c8c8c8" }
        return interpolate(agreementStops, min(max(value, 0), 1))
    }

    /// Whether text on `colour` should be white.
    static func isDark(_ colour: String) -> Bool {
        let (r, g, b) = rgb(colour)
        return 0.299 * r + 0.587 * g + 0.114 * b < 120
    }

    /// Koo & Li bands: poor < 0.5 ≤ moderate < 0.75 ≤ good < 0.9 ≤ excellent.
    static let kooLiBands: [(label: String, low: Double, high: Double, colour: String)] = [
        ("poor", -.infinity, 0.5, "#fbe3e1"), ("moderate", 0.5, 0.75, "#fdf1d8"),
        ("good", 0.75, 0.9, "#e3f1e5"), ("excellent", 0.9, 1, "#cfe8d5"),
    ]

    private static func interpolate(_ stops: [(Double, String)], _ t: Double) -> String {
        for (a, b) in zip(stops, stops.dropFirst()) where t <= b.0 {
            let u = b.0 > a.0 ? (t - a.0) / (b.0 - a.0) : 0
            let (r0, g0, b0) = rgb(a.1), (r1, g1, b1) = rgb(b.1)
            return hex(r0 + (r1 - r0) * u, g0 + (g1 - g0) * u, b0 + (b1 - b0) * u)
        }
        return stops.last!.1
    }

    private static func rgb(_ colour: String) -> (Double, Double, Double) {
        let value = Int(colour.dropFirst(), radix: 16) ?? 0
        return (Double((value >> 16) & 0xFF), Double((value >> 8) & 0xFF), Double(value & 0xFF))
    }

    private static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }
}
