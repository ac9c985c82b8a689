/*
 * The machine's floor under any kernel read of the range: pread(2) of ip_local_port_range on a cached fd, the same
 * plus a pread of ip_local_reserved_ports (what one range report reads), and a bare syscall (getppid), in plain C
 * with no Node in between. bench/suites/linux-read.ts compiles and runs it
 * next to the addon. Prints one JSON line: median ns per call of each, over batches.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { kBatch = 2000, kRuns = 61 };

static double NowNs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int Compare(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

// fd < 0: getppid. second >= 0: also a pread of that file per call, into a page-sized buffer as the addon reads
// ip_local_reserved_ports (a sysctl value must fit in one read).
static double MedianNs(int fd, int second) {
  static double runs[kRuns];
  static char buffer[4096];
  for (int r = 0; r < kRuns; r++) {
    double start = NowNs();
    for (int i = 0; i < kBatch; i++) {
      if (fd >= 0 ? pread(fd, buffer, 64, 0) <= 0 : syscall(SYS_getppid) < 0) exit(2);
      if (second >= 0 && pread(second, buffer, sizeof buffer, 0) <= 0) exit(2);
    }
    runs[r] = (NowNs() - start) / kBatch;
  }
  qsort(runs, kRuns, sizeof runs[0], Compare);
  return runs[kRuns / 2];
}

int main(void) {
  int fd = open("/proc/sys/net/ipv4/ip_local_port_range", O_RDONLY | O_CLOEXEC);
  int reserved = open("/proc/sys/net/ipv4/ip_local_reserved_ports", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || reserved < 0) {
    perror("open");
    return 1;
  }
  MedianNs(fd, -1);  // warm-up
  double pread_ns = MedianNs(fd, -1);
  double both_ns = MedianNs(fd, reserved);
  double syscall_ns = MedianNs(-1, -1);
  printf("{\"preadNs\":%.1f,\"bothNs\":%.1f,\"syscallNs\":%.1f}\n", pread_ns, both_ns, syscall_ns);
  return 0;
}
