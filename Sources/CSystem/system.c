#define _GNU_SOURCE
#include "CSystem.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <stddef.h>

const uint32_t csystem_EPOLLIN = EPOLLIN;
const uint32_t csystem_EPOLLOUT = EPOLLOUT;
const uint32_t csystem_EPOLLERR = EPOLLERR;
const uint32_t csystem_EPOLLHUP = EPOLLHUP;
const uint32_t csystem_EPOLLRDHUP = EPOLLRDHUP;
const uint32_t csystem_EPOLLET = EPOLLET;

int csystem_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int csystem_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    int realOp = op == 1 ? EPOLL_CTL_ADD : op == 2 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    return epoll_ctl(epfd, realOp, fd, &ev);
}

int csystem_epoll_wait(int epfd, csystem_event *events, int max, int timeout_ms) {
    struct epoll_event buffer[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, buffer, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        events[i].events = buffer[i].events;
        events[i].data = buffer[i].data.u64;
    }
    return n;
}

int csystem_accept_nonblocking(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int csystem_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
