/*
 * socket-holder <port> <connections>: listens on 127.0.0.1:<port>, opens <connections> TCP connections to itself
 * and holds both ends of each (2 * <connections> + 1 sockets), prints "ready <n>" on stdout, then sleeps until
 * killed. The big-host bench (bench/suites/big-host.ts) starts many inside one network namespace: a Node process
 * per few thousand connections would need tens of gigabytes, this needs the kernel's share only.
 * Blocking connect() to a loopback listener returns once the handshake is done (the kernel answers the SYN
 * inline), so a connect/accept pair needs no event loop.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: socket-holder <port> <connections>\n");
    return 2;
  }
  int port = atoi(argv[1]);
  long total = atol(argv[2]);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 4096) != 0) {
    perror("listen");
    return 1;
  }
  for (long i = 0; i < total; i++) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof addr) != 0) {
      fprintf(stderr, "connect %ld of %ld: ", i, total);
      perror("");
      return 1;
    }
    if (accept(listener, NULL, NULL) < 0) {
      perror("accept");
      return 1;
    }
  }
  printf("ready %ld\n", total);
  fflush(stdout);
  for (;;) pause();
}
