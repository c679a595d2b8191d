/*
 * An LD_PRELOAD shim that records every write, truncate and sync a process makes to the files under
 * $CSMS_SHIM_DIR, in completion order, so that replay.py can rebuild the files as a power cut at any
 * moment would have left them (the ALICE / CrashMonkey approach).
 *
 * Log ($CSMS_SHIM_LOG, text, one line per event; the written bytes go to $CSMS_SHIM_LOG.data):
 *   F id path             a tracked file is opened (ids are per path)
 *   W id offset len at    a write of len bytes at offset, its bytes at `at` in the data file
 *   T id len              a truncate
 *   B id thread           a sync of the file begins (fsync or fdatasync), on a thread
 *   E id thread           that thread's sync returned
 *   U path                a tracked path is unlinked (taken as done when it returns)
 * Another process may append its own lines (`A key`: a write it was told is durable) with O_APPEND.
 *
 * A write is logged after it returns and a sync's B before it starts, both under one lock: a write
 * logged before a B completed before that sync began, so the sync covers it.
 *
 * Build: cc -shared -fPIC -O2 -o shim.so shim.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FD 4096
#define MAX_FILES 256

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int tracked[MAX_FD];            /* fd -> file id + 1, 0 when not tracked */
static char *paths[MAX_FILES];
static int nfiles;
static int log_fd = -1, data_fd = -1;
static off_t data_at;

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_close)(int);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);

static void resolve(void) {
    if (real_write) return;
    real_open = dlsym(RTLD_NEXT, "open");
    real_open64 = dlsym(RTLD_NEXT, "open64");
    real_openat = dlsym(RTLD_NEXT, "openat");
    real_openat64 = dlsym(RTLD_NEXT, "openat64");
    real_close = dlsym(RTLD_NEXT, "close");
    real_pwrite = dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
    real_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    real_unlink = dlsym(RTLD_NEXT, "unlink");
    real_unlinkat = dlsym(RTLD_NEXT, "unlinkat");
    real_write = dlsym(RTLD_NEXT, "write");
}

/* Appends a whole line to the log (the lock is held). */
static void log_line(const char *fmt, ...) {
    char line[4200];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (log_fd < 0) {
        const char *path = getenv("CSMS_SHIM_LOG");
        if (!path) return;
        char data[4200];
        snprintf(data, sizeof data, "%s.data", path);
        log_fd = real_open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        data_fd = real_open(data, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    }
    if (log_fd >= 0 && n > 0) real_write(log_fd, line, (size_t)n);
}

static void track(int fd, const char *path) {
    const char *dir = getenv("CSMS_SHIM_DIR");
    if (fd < 0 || fd >= MAX_FD || !dir || strncmp(path, dir, strlen(dir)) != 0) return;
    pthread_mutex_lock(&lock);
    int id = -1;
    for (int i = 0; i < nfiles; i++)
        if (strcmp(paths[i], path) == 0) id = i;
    if (id < 0 && nfiles < MAX_FILES) {
        id = nfiles++;
        paths[id] = strdup(path);
        log_line("F %d %s\n", id, path);
    }
    if (id >= 0) tracked[fd] = id + 1;
    pthread_mutex_unlock(&lock);
}

static int file_of(int fd) { return (fd >= 0 && fd < MAX_FD) ? tracked[fd] - 1 : -1; }

/* Records a completed write of `buf` (the lock is held). */
static void record_write(int id, const void *buf, ssize_t done, off_t offset) {
    if (done <= 0) return;
    real_write(data_fd, buf, (size_t)done);
    log_line("W %d %lld %lld %lld\n", id, (long long)offset, (long long)done, (long long)data_at);
    data_at += done;
}

#define OPEN_BODY(call)                                  \
    mode_t mode = 0;                                     \
    if (flags & (O_CREAT | O_TMPFILE)) {                 \
        va_list ap;                                      \
        va_start(ap, flags);                             \
        mode = (mode_t)va_arg(ap, int);                  \
        va_end(ap);                                      \
    }                                                    \
    resolve();                                           \
    int fd = call;                                       \
    track(fd, path);                                     \
    return fd;

int open(const char *path, int flags, ...) { OPEN_BODY(real_open(path, flags, mode)) }
int open64(const char *path, int flags, ...) { OPEN_BODY(real_open64(path, flags, mode)) }
int openat(int dirfd, const char *path, int flags, ...) { OPEN_BODY(real_openat(dirfd, path, flags, mode)) }
int openat64(int dirfd, const char *path, int flags, ...) { OPEN_BODY(real_openat64(dirfd, path, flags, mode)) }

int close(int fd) {
    resolve();
    if (fd >= 0 && fd < MAX_FD) {
        pthread_mutex_lock(&lock);
        tracked[fd] = 0;
        pthread_mutex_unlock(&lock);
    }
    return real_close(fd);
}

static ssize_t pwrite_common(ssize_t (*real)(int, const void *, size_t, off_t), int fd, const void *buf,
                             size_t n, off_t offset) {
    resolve();
    int id = file_of(fd);
    if (id < 0) return real(fd, buf, n, offset);
    pthread_mutex_lock(&lock);
    ssize_t done = real(fd, buf, n, offset);
    int saved = errno;
    record_write(id, buf, done, offset);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return done;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset) { resolve(); return pwrite_common(real_pwrite, fd, buf, n, offset); }
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t offset) { resolve(); return pwrite_common(real_pwrite64, fd, buf, n, offset); }

ssize_t write(int fd, const void *buf, size_t n) {
    resolve();
    int id = file_of(fd);
    if (id < 0) return real_write(fd, buf, n);
    pthread_mutex_lock(&lock);
    off_t offset = lseek(fd, 0, SEEK_CUR);
    ssize_t done = real_write(fd, buf, n);
    int saved = errno;
    record_write(id, buf, done, offset);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return done;
}

static int truncate_common(int (*real)(int, off_t), int fd, off_t len) {
    resolve();
    int id = file_of(fd);
    if (id < 0) return real(fd, len);
    pthread_mutex_lock(&lock);
    int r = real(fd, len);
    int saved = errno;
    if (r == 0) log_line("T %d %lld\n", id, (long long)len);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return r;
}

int ftruncate(int fd, off_t len) { resolve(); return truncate_common(real_ftruncate, fd, len); }
int ftruncate64(int fd, off_t len) { resolve(); return truncate_common(real_ftruncate64, fd, len); }

static int sync_common(int (*real)(int), int fd) {
    resolve();
    int id = file_of(fd);
    if (id < 0) return real(fd);
    pthread_mutex_lock(&lock);
    log_line("B %d %lu\n", id, (unsigned long)pthread_self());
    pthread_mutex_unlock(&lock);
    int r = real(fd);
    int saved = errno;
    if (r == 0) {
        pthread_mutex_lock(&lock);
        log_line("E %d %lu\n", id, (unsigned long)pthread_self());
        pthread_mutex_unlock(&lock);
    }
    errno = saved;
    return r;
}

int fsync(int fd) { resolve(); return sync_common(real_fsync, fd); }
int fdatasync(int fd) { resolve(); return sync_common(real_fdatasync, fd); }

static void record_unlink(const char *path, int r) {
    const char *dir = getenv("CSMS_SHIM_DIR");
    if (r != 0 || !dir || strncmp(path, dir, strlen(dir)) != 0) return;
    pthread_mutex_lock(&lock);
    log_line("U %s\n", path);
    pthread_mutex_unlock(&lock);
}

int unlink(const char *path) {
    resolve();
    int r = real_unlink(path);
    int saved = errno;
    record_unlink(path, r);
    errno = saved;
    return r;
}

int unlinkat(int dirfd, const char *path, int flags) {
    resolve();
    int r = real_unlinkat(dirfd, path, flags);
    int saved = errno;
    record_unlink(path, r);
    errno = saved;
    return r;
}
