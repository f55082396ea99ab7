import CPoppler

/// GObject's macros don't import into Swift: objects arrive as OpaquePointer and are released here.
func unref(_ object: OpaquePointer?) {
    if let object { g_object_unref(UnsafeMutableRawPointer(object)) }
}

/// Takes ownership of a string glib allocated: copies it and frees the original.
func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    defer { g_free(pointer) }
    return String(cString: pointer)
}

/// The message of a GError, freeing it.
func takeError(_ error: UnsafeMutablePointer<GError>?) -> (code: Int32, message: String)? {
    guard let error else { return nil }
    defer { g_error_free(error) }
    return (error.pointee.code, error.pointee.message.map { String(cString: $0) } ?? "unknown error")
}
