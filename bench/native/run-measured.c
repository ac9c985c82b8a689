/*
 * run-measured <program> [args...]: runs the program (stdin closed, stdout and stderr inherited) and prints one
 * JSON line to stderr after it exits: wall time, user and system CPU time from wait4's rusage (precise, unlike the
 * clock ticks of /proc/<pid>/stat), and peak RSS. Used by bench/suites/usage.ts: on a loaded machine the CPU
 * time a process takes is a far steadier figure than its wall time.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: run-measured <program> [args...]\n");
    return 2;
  }
  double start = now_ms();
  pid_t pid = fork();
  if (pid < 0) return perror("fork"), 1;
  if (pid == 0) {
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, 0);
    execv(argv[1], argv + 1);
    perror("execv");
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return perror("wait4"), 1;
  double wall = now_ms() - start;
  double user = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
  double sys = ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  fprintf(stderr, "\n{\"wallMs\":%.3f,\"userMs\":%.3f,\"sysMs\":%.3f,\"maxRssKb\":%ld,\"code\":%d}\n", wall, user, sys, ru.ru_maxrss, code);
  return code;
}
