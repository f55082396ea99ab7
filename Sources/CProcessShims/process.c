#define _GNU_SOURCE
#include "CProcessShims.h"
#include <unistd.h>
#include <sys/prctl.h>

int CProcessShims_setNotDumpable(void) {
    /* Not dumpable: no core file, and other processes of the same user cannot ptrace us or read
       /proc/<pid>/mem while keys are unlocked. */
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int CProcessShims_syncfs(int fd) {
    return syncfs(fd);
}
