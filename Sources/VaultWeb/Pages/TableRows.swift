/// The rows of the pages' large tables, written by `HTMLWriter` (every value escaped there) instead of a template
/// section: the markup is the same the templates wrote, cell for cell, so the pages look as before.
enum TableRows {
    /// A case's documents, oldest first; `query` (`?acknowledge=…`, or empty) is carried by each document's link.
    static func documents(_ rows: [DocumentRow], query: String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: rows.count * 160)
        for row in rows {
            html.markup("<tr><td>")
            html.text(row.date)
            html.markup("</td><td>")
            html.text(row.dateSource)
            html.markup("</td><td>")
            html.text(row.kind)
            html.markup("</td><td><a href=\"/documents/")
            html.text(row.id)
            html.text(query)
            html.markup("\">")
            html.text(row.name)
            html.markup("</a></td></tr>\n")
        }
        return html.fragment
    }

    /// The activity log's events, as given (newest first); a refusal or failure stands out, a case links to its page.
    static func audit(_ rows: [AuditPage.Row]) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: rows.count * 200)
        for row in rows {
            html.markup("<tr><td>")
            html.text(row.time)
            html.markup("</td><td>")
            html.text(row.who)
            html.markup("</td><td>")
            html.text(row.what)
            html.markup("</td><td>")
            if row.refused {
                html.markup("<strong class=\"overdue\">")
                html.text(row.outcome)
                html.markup("</strong>")
            } else {
                html.text(row.outcome)
            }
            html.markup("</td><td>")
            if let caseID = row.caseID {
                html.markup("<a href=\"/cases/")
                html.text(caseID)
                html.markup("\">")
                html.text(row.caseLabel)
                html.markup("</a>")
            }
            html.markup("</td><td>")
            html.text(row.document)
            html.markup("</td></tr>\n")
        }
        return html.fragment
    }
}
