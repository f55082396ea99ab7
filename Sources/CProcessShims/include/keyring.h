#ifndef CASEVAULT_CPROCESSSHIMS_KEYRING_H
#define CASEVAULT_CPROCESSSHIMS_KEYRING_H

#include <stddef.h>
#include <stdint.h>

/* The Linux kernel keyring through the raw add_key/keyctl system calls (no libkeyutils), always on the
   calling process's session keyring and always for keys of type "user". Every function returns a
   non-negative result on success and a negative errno value on failure (-ENOSYS off Linux), so the
   caller never reads errno. */

/* Adds a user key, or replaces the payload of the one with this description in the session keyring
   (keeping its serial number). Returns the key's serial number. */
int32_t CProcessShims_keyAdd(const char *description, const void *payload, size_t length);

/* Finds the user key with this description reachable from the session keyring. Returns its serial. */
int32_t CProcessShims_keySearch(const char *description);

/* Copies up to `capacity` bytes of the key's payload into `buffer` (which may be NULL when capacity is
   0) and returns the payload's full length, which may be larger than `capacity`. */
long CProcessShims_keyRead(int32_t key, void *buffer, size_t capacity);

/* The key expires `seconds` from now (0 would mean never; callers do not pass it). */
int CProcessShims_keySetTimeout(int32_t key, unsigned int seconds);

/* Only a process that possesses the key (reaches it through its session keyring) may view, read,
   update, find it or change its attributes; its owner, group and others get nothing, and nobody may
   link it into another keyring. */
int CProcessShims_keyRestrictToPossessor(int32_t key);

/* Invalidates the key: it disappears from every keyring at once and is destroyed. */
int CProcessShims_keyInvalidate(int32_t key);

/* Unlinks the key from the session keyring (for kernels before 3.5, which lack invalidation). */
int CProcessShims_keyUnlink(int32_t key);

#endif
