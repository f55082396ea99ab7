#ifndef CASEVAULT_COPENSSL_SHIM_H
#define CASEVAULT_COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#endif
