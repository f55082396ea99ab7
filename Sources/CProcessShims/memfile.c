#define _GNU_SOURCE
#include "CProcessShims.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int CProcessShims_memoryFile(const char *name) {
    /* Sealable, so the finished upload can be frozen before the core reads it. */
    return memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

int CProcessShims_sealMemoryFile(int fd) {
    return fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
}

int CProcessShims_duplicate(int fd) {
    return fcntl(fd, F_DUPFD_CLOEXEC, 0);
}
