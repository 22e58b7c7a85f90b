// The Linux calls Swift's Glibc module does not export: epoll, accept4 and eventfd.
// Thin pass-through wrappers so Swift code calls them by name; no logic lives here.
#ifndef PREHOOK_CSYSTEM_H
#define PREHOOK_CSYSTEM_H

#include <stdint.h>

/// epoll event flags, as plain integers (the macros do not import).
extern const uint32_t csystem_EPOLLIN;
extern const uint32_t csystem_EPOLLOUT;
extern const uint32_t csystem_EPOLLERR;
extern const uint32_t csystem_EPOLLHUP;
extern const uint32_t csystem_EPOLLRDHUP;
extern const uint32_t csystem_EPOLLET;

/// One ready event: the flags and the 64-bit user value given at registration.
typedef struct csystem_event {
    uint32_t events;
    uint64_t data;
} csystem_event;

int csystem_epoll_create(void);
/// Adds (op 1), modifies (op 3) or deletes (op 2) `fd` with `events` and user value `data`.
int csystem_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// Waits for up to `max` events; returns how many (or -1 with errno).
int csystem_epoll_wait(int epfd, csystem_event *events, int max, int timeout_ms);
/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int csystem_accept_nonblocking(int fd);
/// A non-blocking, close-on-exec eventfd (used to wake epoll loops).
int csystem_eventfd(void);

#endif
