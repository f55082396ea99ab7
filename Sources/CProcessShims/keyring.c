#include "keyring.h"
#include <errno.h>

#ifdef __linux__
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/keyctl.h>

/* keyctl is variadic in libkeyutils and a raw system call here; one helper turns -1/errno into -errno. */
static long keyctl5(int operation, unsigned long a, unsigned long b, unsigned long c, unsigned long d) {
    long rc = syscall(SYS_keyctl, operation, a, b, c, d);
    return rc < 0 ? -errno : rc;
}

/* The keyring later commands will search: the login session's keyring, or, in a process started outside any session
   (a container, cron), the user-session keyring the kernel attaches on lookup. Asked for without "create": adding to
   KEY_SPEC_SESSION_KEYRING directly would make such a process a private session keyring that dies with it. */
static long sessionTarget(void) {
    return keyctl5(KEYCTL_GET_KEYRING_ID, (unsigned long)KEY_SPEC_SESSION_KEYRING, 0, 0, 0);
}

int32_t CProcessShims_keyAdd(const char *description, const void *payload, size_t length) {
    long target = sessionTarget();
    if (target < 0) return (int32_t)target;
    long rc = syscall(SYS_add_key, "user", description, payload, length, (int32_t)target);
    return rc < 0 ? -errno : (int32_t)rc;
}

int32_t CProcessShims_keySearch(const char *description) {
    return (int32_t)keyctl5(KEYCTL_SEARCH, (unsigned long)KEY_SPEC_SESSION_KEYRING, (unsigned long)"user",
                            (unsigned long)description, 0);
}

long CProcessShims_keyRead(int32_t key, void *buffer, size_t capacity) {
    return keyctl5(KEYCTL_READ, (unsigned long)key, (unsigned long)buffer, capacity, 0);
}

int CProcessShims_keySetTimeout(int32_t key, unsigned int seconds) {
    return (int)keyctl5(KEYCTL_SET_TIMEOUT, (unsigned long)key, seconds, 0, 0);
}

int CProcessShims_keyRestrictToPossessor(int32_t key) {
    /* KEY_POS_VIEW | KEY_POS_READ | KEY_POS_WRITE | KEY_POS_SEARCH | KEY_POS_SETATTR; no KEY_POS_LINK,
       and 0 for user, group and other. KEY_POS_* come from libkeyutils' keyutils.h, not <linux/keyctl.h>,
       so they are spelled out: the possessor's bits are the top byte. */
    unsigned long permissions = (0x01UL | 0x02UL | 0x04UL | 0x08UL | 0x20UL) << 24;
    return (int)keyctl5(KEYCTL_SETPERM, (unsigned long)key, permissions, 0, 0);
}

int CProcessShims_keyInvalidate(int32_t key) {
    return (int)keyctl5(KEYCTL_INVALIDATE, (unsigned long)key, 0, 0, 0);
}

int CProcessShims_keyUnlink(int32_t key) {
    long target = sessionTarget();
    if (target < 0) return (int)target;
    return (int)keyctl5(KEYCTL_UNLINK, (unsigned long)key, (unsigned long)target, 0, 0);
}

#else

int32_t CProcessShims_keyAdd(const char *description, const void *payload, size_t length) { return -ENOSYS; }
int32_t CProcessShims_keySearch(const char *description) { return -ENOSYS; }
long CProcessShims_keyRead(int32_t key, void *buffer, size_t capacity) { return -ENOSYS; }
int CProcessShims_keySetTimeout(int32_t key, unsigned int seconds) { return -ENOSYS; }
int CProcessShims_keyRestrictToPossessor(int32_t key) { return -ENOSYS; }
int CProcessShims_keyInvalidate(int32_t key) { return -ENOSYS; }
int CProcessShims_keyUnlink(int32_t key) { return -ENOSYS; }

#endif
