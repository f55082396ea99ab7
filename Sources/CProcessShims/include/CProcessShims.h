#ifndef CASEVAULT_CPROCESSSHIMS_H
#define CASEVAULT_CPROCESSSHIMS_H

/* prctl is variadic, which Swift cannot call. Returns 0 on success, -1 with errno set otherwise. */
int CProcessShims_setNotDumpable(void);

/* syncfs is a GNU extension the Swift Glibc module does not import. Returns 0 or -1 with errno set. */
int CProcessShims_syncfs(int fd);

#endif
