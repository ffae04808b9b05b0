import Foundation

/// SIGINT as a kernel interrupt (the kernelspec's `interrupt_mode: signal`): the handler
/// writes one byte to a pipe, the only safe thing a signal handler may do here, and a
/// thread reading the pipe asks the backend to stop. The process does not die.
public enum SignalInterrupts {
  nonisolated(unsafe) private static var writeEnd: Int32 = -1

  /// Installs the handler; each SIGINT then calls `interrupt` on a thread of its own.
  public static func listen(_ interrupt: @escaping @Sendable () -> Void) {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { return }
    writeEnd = ends[1]
    let readEnd = ends[0]
    let thread = Thread {
      var byte: UInt8 = 0
      while true {
        let got = read(readEnd, &byte, 1)
        if got == 1 { interrupt() } else if got < 0, errno != EINTR { return }
      }
    }
    thread.name = "gradbook-kernel-sigint"
    thread.start()
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
      var byte: UInt8 = 1
      _ = write(SignalInterrupts.writeEnd, &byte, 1)
    }
    sigemptyset(&action.sa_mask)
    // Restart interrupted system calls: a zmq wait on a socket must not fail with EINTR.
    action.sa_flags = SA_RESTART
    sigaction(SIGINT, &action, nil)
    // A parent may leave SIGINT blocked, which every thread started later would inherit.
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
  }
}
