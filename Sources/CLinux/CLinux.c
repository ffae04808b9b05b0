// sched_setaffinity, CPU_CLR and mallopt are GNU extensions that Swift's Glibc module does
// not import, hence this C file.
#define _GNU_SOURCE
#include <malloc.h>
#include <sched.h>
#include "CLinux.h"

int gradbook_move_off_cpu(int cpu) {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
  if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed) || CPU_COUNT(&allowed) < 2)
    return -1;
  cpu_set_t others = allowed;
  CPU_CLR(cpu, &others);
  if (sched_setaffinity(0, sizeof others, &others) != 0) return -1;
  // The move has happened (the call migrates a thread that may not stay); the scheduler is
  // free again from here on.
  (void)sched_setaffinity(0, sizeof allowed, &allowed);
  return 0;
}

int gradbook_allowed_cpus(void) {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
  return CPU_COUNT(&allowed);
}

int gradbook_current_cpu(void) { return sched_getcpu(); }

int gradbook_set_malloc_thresholds(long bytes) {
  if (bytes <= 0 || bytes > 0x7fffffffL) return 0;
  return mallopt(M_MMAP_THRESHOLD, (int)bytes) == 1 && mallopt(M_TRIM_THRESHOLD, (int)bytes) == 1;
}

long gradbook_malloc_mapped_bytes(void) { return (long)mallinfo2().hblkhd; }
