import Foundation
import RadAuditCore
import RadAuditAudit

/// HTML text: escaping and the building blocks of RadAudit's self-contained pages. Every string that comes from
/// data goes through ``escape(_:)``; markup is only ever written by this module.
enum HTML {
    /// Escapes `& < > " '` (text and attribute values alike).
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
                                            || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A number for display: `NaN` as "n/a", infinities as ±∞, otherwise `digits` significant digits.
    static func number(_ value: Double, digits: Int = 4) -> String { Number.readable(value, digits: digits) }

    /// An agreement statistic with three decimals (`n/a` for NaN).
    static func statistic(_ value: Double) -> String {
        if value.isNaN { return "n/a" }
        if value.isInfinite { return value < 0 ? "−∞" : "∞" }
        let text = DecimalText.fixed(value, decimals: 3)
        return text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }

    /// A sort key for a table cell: the number itself (NaN sorts last), so the inline script sorts numerically.
    static func sortKey(_ value: Double) -> String {
        value.isNaN ? "" : "\(value)"
    }
}

/// A table whose columns can be sorted by clicking their header (with the page's small inline script; without
/// scripts the table is shown in its given order).
struct HTMLTable {
    struct Cell {
        /// Escaped HTML content.
        let html: String
        /// Numeric sort key, if the column sorts as numbers.
        let sortKey: String?
        let className: String?

        static func text(_ text: String, className: String? = nil) -> Cell {
            Cell(html: HTML.escape(text), sortKey: nil, className: className)
        }

        static func number(_ value: Double, digits: Int = 4) -> Cell {
            Cell(html: HTML.number(value, digits: digits), sortKey: HTML.sortKey(value), className: "num")
        }

        static func statistic(_ value: Double) -> Cell {
            Cell(html: HTML.statistic(value), sortKey: HTML.sortKey(value), className: "num")
        }

        static func integer(_ value: Int) -> Cell {
            Cell(html: String(value), sortKey: String(value), className: "num")
        }

        static func code(_ text: String) -> Cell {
            Cell(html: text.isEmpty ? "" : "<code>\(HTML.escape(text))</code>", sortKey: nil, className: nil)
        }

        /// Pre-escaped markup.
        static func markup(_ html: String, sortKey: String? = nil, className: String? = nil) -> Cell {
            Cell(html: html, sortKey: sortKey, className: className)
        }
    }

    var caption: String?
    var columns: [String]
    var rows: [[Cell]]
    var sortable = true
    var id: String?
    /// At most this many rows are written; a note then names `source`, the file holding every row.
    var limit: Int? = nil
    var source: String? = nil
    /// A search box above the table that hides rows without every typed word (needs `id`).
    var filterable = false

    func render() -> String {
        var html = ""
        if filterable, let id {
            html += "<input type=\"search\" data-filter=\"\(HTML.escape(id))\" placeholder=\"Search features…\" "
                + "aria-label=\"Search this table\">\n"
        }
        html += "<div class=\"table-wrap\"><table"
        if let id { html += " id=\"\(HTML.escape(id))\"" }
        if sortable { html += " class=\"sortable\"" }
        html += ">"
        if let caption { html += "<caption>\(HTML.escape(caption))</caption>" }
        html += "<thead><tr>" + columns.map { "<th scope=\"col\">\(HTML.escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        let shown = limit.map { Array(rows.prefix($0)) } ?? rows
        for row in shown {
            html += "<tr>"
            for cell in row {
                html += "<td"
                if let className = cell.className { html += " class=\"\(className)\"" }
                if let key = cell.sortKey { html += " data-sort=\"\(HTML.escape(key))\"" }
                html += ">\(cell.html)</td>"
            }
            html += "</tr>\n"
        }
        html += "</tbody></table></div>\n"
        if shown.count < rows.count {
            html += "<p class=\"note\">The first \(shown.count) of \(rows.count) rows"
                + (source.map { "; every row is in <code>\(HTML.escape($0))</code>" } ?? "") + ".</p>\n"
        }
        return html
    }
}

/// The frame of a RadAudit page: inline style sheet, optional sorting script, no external resources.
enum HTMLPage {
    static func render(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="radaudit">
        <title>\(HTML.escape(title))</title>
        <style>
        \(styleSheet)
        </style>
        </head>
        <body>
        \(body)
        <script>
        \(sortScript)
        </script>
        </body>
        </html>

        """
    }

    static let styleSheet = """
        :root { --ink: #1b1f24; --muted: #5b6470; --rule: #d0d5db; --band: #f4f6f8; --accent: #0b5cad; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
               color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 24px 28px 64px; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
        h3 { font-size: 15px; margin: 22px 0 8px; }
        p.lead { color: var(--muted); margin: 0 0 18px; }
        nav.toc { columns: 2; background: var(--band); padding: 10px 16px; border-radius: 6px; margin: 12px 0 8px; }
        nav.toc a { color: var(--accent); text-decoration: none; }
        dl.summary { display: grid; grid-template-columns: 220px 1fr; gap: 4px 16px; margin: 0; }
        dl.summary dt { color: var(--muted); }
        dl.summary dd { margin: 0; }
        .note { color: var(--muted); font-size: 13px; }
        .warning { background: #fff4e5; border-left: 4px solid #e69f00; padding: 8px 12px; margin: 10px 0; }
        .table-wrap { overflow-x: auto; margin: 8px 0 16px; }
        table { border-collapse: collapse; font-size: 12.5px; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; }
        th, td { border-bottom: 1px solid var(--rule); padding: 3px 8px; text-align: left; vertical-align: top; }
        th { background: var(--band); position: sticky; top: 0; }
        table.sortable th { cursor: pointer; }
        table.sortable th[aria-sort="ascending"]::after { content: " ▲"; }
        table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td code { white-space: nowrap; }
        input[type=search] { font: inherit; padding: 4px 8px; width: 320px; margin: 4px 0; }
        details > summary { cursor: pointer; color: var(--accent); margin: 6px 0; }
        td.r1 { background: #d9efe1; } td.r0 { background: #f8e3e3; }
        td.yes { color: #0b6e35; font-weight: 600; }
        td.no { color: #a1262b; }
        td.filled, td.partial, td.author { white-space: nowrap; font-weight: 600; }
        td.filled { color: #0b6e35; }
        td.partial { color: #8a5a00; }
        td.author { color: #a1262b; }
        code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        figure { margin: 12px 0 24px; break-inside: avoid; }
        figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; max-width: 900px; }
        svg { max-width: 100%; height: auto; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
        svg text { fill: var(--ink); }
        footer { margin-top: 48px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
        @media print {
          body { max-width: none; padding: 0; font-size: 11px; }
          nav.toc { display: none; }
          h2 { break-after: avoid; }
          th { position: static; }
          .table-wrap { overflow: visible; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """

    /// Sorts `table.sortable` by a clicked header (numbers by `data-sort`, text otherwise); optional.
    static let sortScript = """
        document.querySelectorAll("table.sortable").forEach(function (table) {
          table.querySelectorAll("th").forEach(function (th, column) {
            th.addEventListener("click", function () {
              var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
              var ascending = th.getAttribute("aria-sort") !== "ascending";
              table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
              th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
              function key(row) {
                var cell = row.cells[column];
                if (!cell) return "";
                var sort = cell.getAttribute("data-sort");
                if (sort !== null) return sort === "" ? NaN : parseFloat(sort);
                var text = cell.textContent.trim();
                return text !== "" && isFinite(text) ? parseFloat(text) : text.toLowerCase();
              }
              rows.sort(function (a, b) {
                var x = key(a), y = key(b);
                if (typeof x === "number" || typeof y === "number") {
                  if (isNaN(x)) return isNaN(y) ? 0 : 1;
                  if (isNaN(y)) return -1;
                  return ascending ? x - y : y - x;
                }
                return ascending ? (x < y ? -1 : x > y ? 1 : 0) : (x < y ? 1 : x > y ? -1 : 0);
              });
              rows.forEach(function (row) { body.appendChild(row); });
            });
          });
        });
        document.querySelectorAll("input[data-filter]").forEach(function (input) {
          var table = document.getElementById(input.getAttribute("data-filter"));
          input.addEventListener("input", function () {
            var words = input.value.toLowerCase().split(/\\s+/).filter(function (w) { return w; });
            Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
              var text = row.textContent.toLowerCase();
              row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
            });
          });
        });
        """
}
