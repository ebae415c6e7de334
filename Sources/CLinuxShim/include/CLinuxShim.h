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
/// Starts `path` with `argv` (NULL-terminated) and its standard input, output and error on the
/// given descriptors, with an empty signal mask and default signal actions (the daemon blocks
/// its signals for signalfd, and a child must not inherit that). Returns the pid, or -errno.
int briefingd_spawn(const char *path, char *const argv[], int in_fd, int out_fd, int err_fd);
/// prctl(PR_SET_PDEATHSIG, signal): the kernel sends `signal` to this process when its parent dies.
int briefingd_set_parent_death_signal(int signal);
/// pipe2(2) with O_CLOEXEC, so that no other child inherits the pipe.
int briefingd_pipe_cloexec(int fds[2]);
/// mallopt(M_MMAP_THRESHOLD, bytes): allocations from `bytes` up are mapped on their own, and the
/// threshold stays fixed (glibc's default one rises after the first large free).
int briefingd_set_mmap_threshold(int bytes);
#endif
