#ifndef GRADBOOK_CTHREADPLACEMENT_H
#define GRADBOOK_CTHREADPLACEMENT_H

/// Moves the calling thread off CPU `cpu` now, then lets it run on every CPU it could
/// before. Returns 0 when it moved, -1 when the system refused (the thread stays put).
int gradbook_move_off_cpu(int cpu);

/// The CPU the calling thread runs on, or -1.
int gradbook_current_cpu(void);

#endif
