internal import COpenSSL

/// One `OSSL_PARAM` to pass to an EVP_KDF or EVP_MAC call.
///
/// Octet values point into the caller's buffer: build and use the parameters inside the caller's
/// `withUnsafeBytes` closures, never outside them.
enum OSSLParam {
    case utf8(String, String)
    case octets(String, UnsafeRawBufferPointer)
    case uint64(String, UInt64)
    case uint32(String, UInt32)
    case int32(String, Int32)
}

/// Builds a terminated `OSSL_PARAM` array, calls `body`, then frees every temporary.
func withOSSLParams<R>(_ params: [OSSLParam], _ body: (UnsafeMutablePointer<OSSL_PARAM>) throws -> R) rethrows -> R {
    let array = UnsafeMutablePointer<OSSL_PARAM>.allocate(capacity: params.count + 1)
    let numbers = UnsafeMutablePointer<UInt64>.allocate(capacity: max(params.count, 1))
    // An empty octet string still needs a valid address.
    let emptyOctets = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
    var strings: [UnsafeMutablePointer<CChar>] = []
    defer {
        for string in strings { free(string) }
        emptyOctets.deallocate()
        numbers.deallocate()
        array.deallocate()
    }
    func cString(_ s: String) -> UnsafeMutablePointer<CChar> {
        let copy = strdup(s)!  // strdup fails only when out of memory
        strings.append(copy)
        return copy
    }
    for (index, param) in params.enumerated() {
        let slot = numbers.advanced(by: index)
        switch param {
        case .utf8(let name, let value):
            array[index] = OSSL_PARAM_construct_utf8_string(cString(name), cString(value), 0)
        case .octets(let name, let buffer):
            let address = buffer.count > 0 ? UnsafeMutableRawPointer(mutating: buffer.baseAddress!) : emptyOctets
            array[index] = OSSL_PARAM_construct_octet_string(cString(name), address, buffer.count)
        case .uint64(let name, let value):
            slot.pointee = value
            array[index] = OSSL_PARAM_construct_uint64(cString(name), slot)
        case .uint32(let name, let value):
            let p = UnsafeMutableRawPointer(slot).bindMemory(to: UInt32.self, capacity: 1)
            p.pointee = value
            array[index] = OSSL_PARAM_construct_uint32(cString(name), p)
        case .int32(let name, let value):
            let p = UnsafeMutableRawPointer(slot).bindMemory(to: Int32.self, capacity: 1)
            p.pointee = value
            array[index] = OSSL_PARAM_construct_int(cString(name), p)
        }
    }
    array[params.count] = OSSL_PARAM_construct_end()
    return try body(array)
}

#if canImport(Glibc)
import Glibc
#endif
