#define _GNU_SOURCE
#include "CProcessShims.h"
#include <unistd.h>
#include <sys/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>

int CProcessShims_setNotDumpable(void) {
    /* Not dumpable: no core file, and other processes of the same user cannot ptrace us or read
       /proc/<pid>/mem while keys are unlocked. */
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int CProcessShims_syncfs(int fd) {
    return syncfs(fd);
}

int CProcessShims_startWriteback(int fd, long long offset, long long count) {
    return sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE);
}

int CProcessShims_awaitWriteback(int fd, long long offset, long long count) {
    return sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
}

int CProcessShims_spawnPiped(const char *path, char *const argv[], char *const envp[], int *pid, int *toChild, int *fromChild) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return errno;
    if (pipe2(out, O_CLOEXEC) != 0) {
        int saved = errno;
        close(in[0]); close(in[1]);
        return saved;
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    /* dup2 clears close-on-exec on the copies; everything else the parent holds (the vault's database, key
       files) is closed in the child whatever its flags. */
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    /* The parent ignores SIGPIPE (it writes to a child that may die); the child gets the defaults back. */
    sigset_t none, defaults;
    sigemptyset(&none);
    sigfillset(&defaults);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t child = 0;
    int rc = posix_spawn(&child, path, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(in[0]);
    close(out[1]);
    if (rc != 0) {
        close(in[1]);
        close(out[0]);
        return rc;
    }
    *pid = child;
    *toChild = in[1];
    *fromChild = out[0];
    return 0;
}

int CProcessShims_confineChild(void) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return -1;
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}
