import Foundation
@testable import RadAuditAudit
import Testing

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
