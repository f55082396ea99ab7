#ifndef CASEVAULT_CPROCESSSHIMS_H
#define CASEVAULT_CPROCESSSHIMS_H

#include "keyring.h"

/* prctl is variadic, which Swift cannot call. Returns 0 on success, -1 with errno set otherwise. */
int CProcessShims_setNotDumpable(void);

/* syncfs is a GNU extension the Swift Glibc module does not import. Returns 0 or -1 with errno set. */
int CProcessShims_syncfs(int fd);

/* sync_file_range is Linux-only and its flags are GNU macros. startWriteback starts writing the range's dirty
   pages without waiting; awaitWriteback waits for any write-back of the range, starts it, and waits again.
   Neither makes data durable (no metadata, no disk cache flush): a head start for a later fsync or syncfs.
   Return 0 or -1 with errno set. */
int CProcessShims_startWriteback(int fd, long long offset, long long count);
int CProcessShims_awaitWriteback(int fd, long long offset, long long count);

/* Starts `path` with `argv` and `envp`, its stdin and stdout connected to new pipes, stderr to /dev/null,
   no other descriptor inherited, default signal dispositions and an empty signal mask. On success returns 0
   and sets *pid, *toChild (write end of its stdin) and *fromChild (read end of its stdout), both close-on-exec;
   otherwise returns an errno value. */
int CProcessShims_spawnPiped(const char *path, char *const argv[], char *const envp[], int *pid, int *toChild, int *fromChild);

/* For a child that reads untrusted input: killed when its parent dies, and unable to gain privileges.
   Returns 0 or -1 with errno set. */
int CProcessShims_confineChild(void);

/* An anonymous file in memory (memfd_create, close-on-exec, sealable): it has no name in any file system, so
   an upload held in it is never written to disk in clear (memory may still be swapped, like any process memory).
   Returns the descriptor or -1 with errno set. */
int CProcessShims_memoryFile(const char *name);

/* Forbids any further write, growth or shrinking of a memory file (F_ADD_SEALS). Returns 0 or -1 with errno set. */
int CProcessShims_sealMemoryFile(int fd);

/* fcntl(F_DUPFD_CLOEXEC): a close-on-exec duplicate (fcntl is variadic). Returns it or -1 with errno set. */
int CProcessShims_duplicate(int fd);

#endif
