import Foundation
import SignNN

/// Draws the loss terms of a metrics log as an SVG line chart (one polyline per train term, eval
/// points as dots), log-scaled when the values span more than a decade.
enum LossCurve {
    static func write(records: [MetricsRecord], to url: URL) throws {
        let terms = Set(records.flatMap { r in r.values.keys.filter { isLossTerm($0) } }).sorted()
        guard !terms.isEmpty, let maxStep = records.map(\.step).max() else { return }
        let all = records.flatMap { r in terms.compactMap { r.values[$0] } }.filter { $0 > 0 && $0.isFinite }
        guard let lo = all.min(), let hi = all.max() else { return }
        let useLog = hi / max(lo, 1e-12) > 10
        func y(_ v: Double) -> Double {
            let (a, b, x) = useLog ? (log10(lo), log10(hi), log10(max(v, lo))) : (0, hi, v)
            return 20 + 300 * (1 - (x - a) / max(b - a, 1e-12))
        }
        func x(_ s: Int) -> Double { 60 + 560 * Double(s) / Double(max(maxStep, 1)) }
        let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="760" height="360" font-family="sans-serif" font-size="11">
        <rect width="760" height="360" fill="white"/>
        <line x1="60" y1="320" x2="620" y2="320" stroke="black"/><line x1="60" y1="20" x2="60" y2="320" stroke="black"/>
        <text x="340" y="350" text-anchor="middle">step (last \(maxStep))</text>
        <text x="56" y="24" text-anchor="end">\(String(format: "%.3g", hi))</text>
        <text x="56" y="320" text-anchor="end">\(String(format: "%.3g", useLog ? lo : 0))</text>

        """
        for (i, term) in terms.enumerated() {
            let color = palette[i % palette.count]
            let pts = records.filter { $0.split == "train" }.compactMap { r in r.values[term].map { "\(x(r.step)),\(y($0))" } }
            if pts.count > 1 { svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(pts.joined(separator: " "))\"/>\n" }
            for r in records where r.split == "eval" { if let v = r.values[term] { svg += "<circle cx=\"\(x(r.step))\" cy=\"\(y(v))\" r=\"3\" fill=\"\(color)\"/>\n" } }
            svg += "<text x=\"630\" y=\"\(40 + 16 * i)\" fill=\"\(color)\">\(term.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;"))</text>\n"
        }
        svg += "<text x=\"630\" y=\"\(40 + 16 * terms.count)\">● eval</text>\n</svg>\n"
        try AtomicFile.write(svg, to: url)
    }

    /// Loss terms are dotted names (`masked_pose.l1`); bookkeeping values are not plotted.
    static func isLossTerm(_ key: String) -> Bool {
        key.contains(".") && !["lr", "grad_norm", "clips_per_s"].contains(key) && !key.hasSuffix("r@1") && !key.contains("baseline") && !key.contains("ratio") && !key.contains("tau")
    }
}
