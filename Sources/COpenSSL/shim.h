#ifndef CASEVAULT_COPENSSL_SHIM_H
#define CASEVAULT_COPENSSL_SHIM_H

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

/* Swift cannot import function-like macros; these wrap the ones we need. */

static inline void COpenSSLShims_OPENSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}

static inline int COpenSSLShims_EVP_PKEY_ED25519(void) { return EVP_PKEY_ED25519; }
static inline int COpenSSLShims_EVP_PKEY_X25519(void) { return EVP_PKEY_X25519; }
static inline int COpenSSLShims_EVP_CTRL_GCM_GET_TAG(void) { return EVP_CTRL_GCM_GET_TAG; }
static inline int COpenSSLShims_EVP_CTRL_GCM_SET_TAG(void) { return EVP_CTRL_GCM_SET_TAG; }

#endif
