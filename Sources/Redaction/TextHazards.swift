/// Things in a text that can make what a reader sees differ from what the text says.
public enum TextHazards {
    /// Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) and the
    /// directional marks (U+200E, U+200F, U+061C): they can reorder what is displayed, so a name can read
    /// differently on screen than in the bytes. Redaction matches through them; a preview says they are there.
    public static func hasBidiControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
            default: false
            }
        }
    }
}
