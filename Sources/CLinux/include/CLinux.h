#ifndef GRADBOOK_CLINUX_H
#define GRADBOOK_CLINUX_H

/// Moves the calling thread off CPU `cpu` now, then lets it run on every CPU it could
/// before. Returns 0 when it moved, -1 when the system refused (the thread stays put).
int gradbook_move_off_cpu(int cpu);

/// How many CPUs the calling thread may run on (its affinity mask), or -1.
int gradbook_allowed_cpus(void);

/// The CPU the calling thread runs on, or -1.
int gradbook_current_cpu(void);

/// Sets glibc malloc's mmap and trim thresholds to `bytes` (see `HeapPolicy`). Returns 1
/// when both were taken, else 0.
int gradbook_set_malloc_thresholds(long bytes);

/// The bytes malloc holds in blocks mapped on their own (mallinfo2's hblkhd).
long gradbook_malloc_mapped_bytes(void);

#endif
