import VaultCrypto

// Every way into the Cobblestone-256 decryptor, on arbitrary bytes: nothing may crash, and a success
// must mean the three paths agree.
let key = SecureBytes(copying: [UInt8](repeating: 0x42, count: 32))
let context = Array("casevault/fuzz".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCobblestone(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = try? Cobblestone256.open(input, key: key, context: context)
    var streamed: [UInt8]? = []
    if let decryptor = try? CobblestoneDecryptor(key: key, context: context) {
        let piece = max(1, Int(input.first ?? 1) * 97)
        var offset = 0
        do {
            try input.withUnsafeBytes { all in
                while offset < all.count {
                    let end = min(offset + piece, all.count)
                    try decryptor.update(UnsafeRawBufferPointer(rebasing: all[offset..<end])) { streamed?.append(contentsOf: $0) }
                    offset = end
                }
            }
            try decryptor.finish { streamed?.append(contentsOf: $0) }
        } catch {
            streamed = nil
        }
    }
    var random: [UInt8]?
    if let reader = try? CobblestoneReader(source: ArraySource(input), key: key, context: context) {
        random = try? reader.read(offset: 0, count: Int(reader.plaintextSize))
        _ = try? reader.read(offset: reader.plaintextSize / 2, count: 17)
    }
    if whole != streamed || whole != random { fatalError("decryption paths disagree") }
    return 0
}
