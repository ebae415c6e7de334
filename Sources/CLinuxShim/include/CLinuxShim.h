#ifndef BRIEFINGD_CLINUXSHIM_H
#define BRIEFINGD_CLINUXSHIM_H
// Linux interfaces that Swift's Glibc module does not export: inotify, signalfd, eventfd, and
// the GNU-only calls syncfs and renameat2.
#ifndef __linux__
#error "briefingd runs on Linux only: it needs inotify, signalfd, eventfd, syncfs and renameat2"
#endif
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/eventfd.h>

/// syncfs(2): flush every dirty page of the file system holding `fd` (one call for a batch of files).
int briefingd_syncfs(int fd);
/// renameat2(2) with RENAME_NOREPLACE: rename that fails with EEXIST instead of overwriting.
int briefingd_rename_noreplace(const char *from, const char *to);
#endif
