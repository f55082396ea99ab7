internal import COpenSSL

/// One AES-256-GCM key schedule in an `EVP_CIPHER_CTX`, reused for many (nonce, message) pairs.
///
/// Cobblestone seals thousands of chunks under one key; setting the key once and only the nonce per
/// chunk keeps the per-chunk cost at the cipher itself, with no allocation.
final class GCMCipher {
    static let keySize = 32
    static let nonceSize = 12
    static let tagSize = 16

    private let context: OpaquePointer
    private let encrypting: Bool
    /// GCM's Final step emits no bytes, but OpenSSL wants somewhere to put them.
    private let finalScratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)

    init(key: SecureBytes, encrypting: Bool) throws {
        guard key.count == Self.keySize else {
            throw VaultCryptoError.incorrectKeySize(expected: Self.keySize, got: key.count)
        }
        OpenSSLErrorStack.clear()
        guard let context = EVP_CIPHER_CTX_new() else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        self.context = context
        self.encrypting = encrypting
        do {
            try key.withUnsafeBytes { keyBytes in
                try check(EVP_CipherInit_ex(context, EVP_aes_256_gcm(), nil,
                                            keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), nil,
                                            encrypting ? 1 : 0))
            }
        } catch {
            EVP_CIPHER_CTX_free(context)
            throw error
        }
    }

    deinit {
        EVP_CIPHER_CTX_free(context)  // _free also cleanses the key schedule
        finalScratch.deallocate()
    }

    /// Encrypts `input` into `output` (same length) and writes the 16-byte tag.
    func seal(nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
              output: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer) throws {
        precondition(encrypting && output.count >= input.count && tag.count == Self.tagSize)
        guard nonce.count == Self.nonceSize else {
            throw VaultCryptoError.incorrectNonceSize(expected: Self.nonceSize, got: nonce.count)
        }
        guard input.count < Int(Int32.max) else { throw VaultCryptoError.messageTooLong }
        try check(EVP_EncryptInit_ex(context, nil, nil, nil, nonce.baseAddress!.assumingMemoryBound(to: UInt8.self)))
        var written: Int32 = 0
        if aad.count > 0 {
            try check(EVP_EncryptUpdate(context, nil, &written, aad.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                        Int32(aad.count)))
        }
        if input.count > 0 {
            try check(EVP_EncryptUpdate(context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &written,
                                        input.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(input.count)))
        }
        // GCM is a stream mode: Final writes nothing, but must run to compute the tag.
        try check(EVP_EncryptFinal_ex(context, finalScratch, &written))
        try check(EVP_CIPHER_CTX_ctrl(context, COpenSSLShims_EVP_CTRL_GCM_GET_TAG(), Int32(Self.tagSize), tag.baseAddress))
    }

    /// Decrypts and authenticates. On failure `output` is wiped and `.authenticationFailure` is thrown;
    /// callers must not use `output` unless this returns.
    func open(nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
              tag: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws {
        precondition(!encrypting && output.count >= input.count)
        guard nonce.count == Self.nonceSize else {
            throw VaultCryptoError.incorrectNonceSize(expected: Self.nonceSize, got: nonce.count)
        }
        guard tag.count == Self.tagSize else {
            throw VaultCryptoError.incorrectTagSize(expected: Self.tagSize, got: tag.count)
        }
        guard input.count < Int(Int32.max) else { throw VaultCryptoError.messageTooLong }
        try check(EVP_DecryptInit_ex(context, nil, nil, nil, nonce.baseAddress!.assumingMemoryBound(to: UInt8.self)))
        var written: Int32 = 0
        var ok = true
        if aad.count > 0 {
            ok = EVP_DecryptUpdate(context, nil, &written, aad.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                   Int32(aad.count)) == 1
        }
        if ok && input.count > 0 {
            ok = EVP_DecryptUpdate(context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &written,
                                   input.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(input.count)) == 1
        }
        if ok {
            ok = EVP_CIPHER_CTX_ctrl(context, COpenSSLShims_EVP_CTRL_GCM_SET_TAG(), Int32(Self.tagSize),
                                     UnsafeMutableRawPointer(mutating: tag.baseAddress!)) == 1
        }
        if ok {
            ok = EVP_DecryptFinal_ex(context, finalScratch, &written) == 1
        }
        guard ok else {
            // A failed tag check is an authentication failure, never a generic library error, and the
            // unauthenticated plaintext must not survive.
            secureZero(UnsafeMutableRawBufferPointer(rebasing: output[0..<input.count]))
            OpenSSLErrorStack.clear()
            throw VaultCryptoError.authenticationFailure
        }
    }
}
