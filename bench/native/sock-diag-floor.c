/*
 * The kernel's share of a TCP census, the floor under any implementation: the same NETLINK_SOCK_DIAG request the
 * addon sends (TCPDIAG_GETSOCK: every TCP socket of both families, every state, no extensions), with the replies
 * only counted, in plain C. bench/suites/census.ts compiles it and runs it inside the bench's namespace beside the
 * census. Two dumps per run (the first warms this process's buffer), the caches evicted in between
 * (evict-caches.h); prints the second as one JSON line.
 */
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "evict-caches.h"

static char buffer[64 * 1024];

static double NowMs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Number of sockets dumped, or -1. */
static long Dump(int fd) {
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req req;
  } request;
  memset(&request, 0, sizeof request);
  request.nlh.nlmsg_len = sizeof request;
  request.nlh.nlmsg_type = TCPDIAG_GETSOCK;
  request.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.req.idiag_family = AF_INET;
  request.req.idiag_states = ~0U;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(fd, &request, sizeof request, 0, (struct sockaddr*)&kernel, sizeof kernel) < 0) return -1;
  long sockets = 0;
  for (;;) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return -1;
    int len = (int)n;
    for (struct nlmsghdr* h = (struct nlmsghdr*)buffer; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) return sockets;
      if (h->nlmsg_type == NLMSG_ERROR) return -1;
      sockets++;
    }
  }
}

int main(void) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0 || Dump(fd) < 0) {
    perror("sock_diag");
    return 1;
  }
  EvictCaches();
  double start = NowMs();
  long sockets = Dump(fd);
  double ms = NowMs() - start;
  if (sockets < 0) {
    perror("sock_diag");
    return 1;
  }
  printf("{\"ms\":%.3f,\"sockets\":%ld}\n", ms, sockets);
  close(fd);
  return 0;
}
