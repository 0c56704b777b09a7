import Foundation
import Testing
@testable import RadAuditCore

@Test func quotedFieldsHoldCommasLineBreaksAndQuotes() throws {
    let text = "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n"
    let records = try CSVTable.records(in: text)
    #expect(records == [
        CSVTable.Record(line: 1, fields: ["a", "b", "c"]),
        CSVTable.Record(line: 2, fields: ["x, y", "say \"hi\"", "two\nlines"]),
        CSVTable.Record(line: 4, fields: [""]),
        CSVTable.Record(line: 5, fields: ["last", "", ""]),
    ])
}

@Test func spacesAroundFieldsAreTrimmedOnRequest() throws {
    let text = " case_id , image\t,\" mask \"  \nc1 ,  a.nii ,m.nii"
    #expect(try CSVTable.records(in: text, trimmingSpaces: true).map(\.fields) == [["case_id", "image", " mask "], ["c1", "a.nii", "m.nii"]])
    #expect(try CSVTable.records(in: "a , b").map(\.fields) == [["a ", " b"]])
}

@Test func malformedQuotingNamesTheLine() {
    #expect(throws: CSVError(line: 2, problem: "a quoted field never closes")) {
        try CSVTable.records(in: "a,b\n\"open,x\ny\n")
    }
    #expect(throws: CSVError(line: 1, problem: "text after the closing quote of a field")) {
        try CSVTable.records(in: "\"a\"b,c\n")
    }
}

@Test func renderedTablesReadBackUnchanged() throws {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("ab,\"\n\r é1.5-")
    let header = ["h1", "h,2", "h\"3"]
    let rows = (0..<200).map { _ in
        (0..<3).map { _ in String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }) }
    }
    let text = CSVTable.render(header: header, rows: rows)
    let records = try CSVTable.records(in: text).map(\.fields)
    // A row of one empty field reads back as an empty line; render never writes one for three columns.
    #expect(records == [header] + rows)
}

@Test func filesAreCheckedAndTheProblemNamesTheFileAndLine() throws {
    func problem(_ bytes: [UInt8], required: [String] = []) -> String {
        do {
            _ = try CSVTable.parse(Data(bytes), path: "t.csv", required: required)
            return ""
        } catch {
            return "\(error)"
        }
    }
    let file = try CSVTable.parse(Data("a,b\n1,2\n\n3,4\n".utf8), path: "t.csv", required: ["b"])
    #expect(file.rows.map(\.fields) == [["1", "2"], ["3", "4"]] && file.rows.map(\.line) == [2, 4] && file.column("b") == 1)
    #expect(problem(Array("a,b\n1,2\n3\n".utf8)) == "t.csv:3: 1 fields, the header has 2")
    #expect(problem(Array("a,b\n".utf8), required: ["c"]) == "t.csv: missing column 'c' (columns: a, b)")
    #expect(problem([]) == "t.csv: the file is empty (no header row)")
    #expect(problem([0x61, 0xFF, 0x0A]) == "t.csv: cannot be read as UTF-8 text")
    #expect(problem(Array("\"a\nb\n".utf8)) == "t.csv: malformed CSV (line 1: a quoted field never closes)")
    #expect(throws: CSVFileError.self) { try CSVTable.load("/no/such/table.csv") }
}
