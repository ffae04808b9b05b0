import Foundation
import Synchronization

/// Ctrl-C, as a global flag, since a signal handler can touch nothing else: the SIGINT
/// handler sets it; a `CancellationToken` made with `followsInterrupts` reads it, and the REPL
/// clears it at each prompt.
public enum Interrupts {
  private static let flag = Atomic<Bool>(false)

  /// Whether Ctrl-C was pressed since the last `clear()`.
  public static var requested: Bool { flag.load(ordering: .relaxed) }

  public static func clear() { flag.store(false, ordering: .relaxed) }

  /// Makes Ctrl-C set the flag instead of ending the process. The handler is installed
  /// without SA_RESTART, so a read waiting at the prompt returns (EINTR) and the line editor
  /// can drop the line. A parent may have left SIGINT ignored or blocked (test runners do),
  /// and both are inherited, so the signal is unblocked here, before the evaluation thread
  /// starts and inherits this thread's mask.
  public static func listen() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in Interrupts.flag.store(true, ordering: .relaxed) }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
  }

  /// Puts back the default action of SIGINT (ending the process).
  public static func stopListening() { signal(SIGINT, SIG_DFL) }
}
