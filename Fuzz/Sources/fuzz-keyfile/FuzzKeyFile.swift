import Foundation
import VaultCrypto

// The key-file parser and the unlock of raw keys on arbitrary bytes: errors are fine, crashes are not.
// Passphrase-protected files stop after decoding (scrypt would cost a second per input).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let file = try? KeyFile.decode(Data(bytes: data, count: size)) else { return 0 }
    if !file.needsPassphrase, let keys = try? file.unlock(passphrase: nil) {
        _ = try? keys.fingerprint(ofMasterVersion: keys.currentMasterVersion)
        _ = try? file.encoded()
    }
    return 0
}
