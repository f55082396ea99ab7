import BundleModel
import Foundation
import PDFRender
import Redaction

/// Redaction of a page read in several ways (the text layer's word breaks, OCR): every reading is redacted
/// and every box any of them finds is drawn, so the stricter reading wins.
struct PageRedaction {
    struct Found {
        var span: RedactionSpan
        var text: String
        var boxes: [Box]
    }

    /// Boxes to draw (pixels).
    var boxes: [Box] = []
    /// Findings counted once each: a finding whose boxes another reading already found is the same one.
    var found: [Found] = []
    /// The first reading's text and its spans: what remains readable when the text layer explains the page.
    var primaryText = ""
    var primarySpans: [RedactionSpan] = []
    /// OCR found a redacted term where the text layer shows other words: the readings disagree.
    var disagreement = false

    /// `readings[0..<textLayerReadings]` come from the text layer, the rest from OCR. `visible` are the text
    /// layer's words that draw ink; `margin` (pixels) widens each box so the edges of glyphs are covered.
    init(redactor: Redactor, readings: [[PositionedWord]], textLayerReadings: Int, visible: [PositionedWord], margin: Double) {
        var textLayerBoxes: [Box] = []
        for (index, words) in readings.enumerated() {
            let (text, spans, spanBoxes) = Self.redact(words, redactor: redactor, margin: margin)
            if index == 0 {
                primaryText = text
                primarySpans = spans
            }
            for (span, spanBox) in zip(spans, spanBoxes) {
                let isNew = !spanBox.allSatisfy { candidate in boxes.contains { $0.intersects(candidate) } }
                if index >= textLayerReadings, isNew,
                   spanBox.contains(where: { box in visible.contains { $0.box.intersects(box) } }),
                   !spanBox.contains(where: { box in textLayerBoxes.contains { $0.intersects(box) } }) {
                    disagreement = true
                }
                if index == 0 || isNew {
                    found.append(Found(span: span, text: String(text[span.range(in: text)]), boxes: spanBox))
                }
                boxes += spanBox
                if index < textLayerReadings { textLayerBoxes += spanBox }
            }
        }
    }

    /// Words joined by spaces (so a name broken across lines is still one phrase), redacted; each word that a
    /// span touches is boxed (with the rest of a word hyphenated across lines).
    static func redact(_ words: [PositionedWord], redactor: Redactor, margin: Double) -> (String, [RedactionSpan], [[Box]]) {
        var text = ""
        var starts: [Int] = []
        for word in words {
            if !text.isEmpty { text += " " }
            starts.append(text.utf8.count)
            text += word.text
        }
        let spans = redactor.spans(in: text)
        var boxes: [[Box]] = []
        var next = 0
        for span in spans {
            while next < words.count, starts[next] + words[next].text.utf8.count <= span.start { next += 1 }
            var index = next
            var spanBoxes: [Box] = []
            while index < words.count, starts[index] < span.end {
                spanBoxes += words[index].boxes.map { $0.inset(by: -margin) }
                index += 1
            }
            boxes.append(spanBoxes)
        }
        return (text, spans, boxes)
    }
}
