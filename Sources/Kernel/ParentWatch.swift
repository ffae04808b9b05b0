import Foundation

/// Ends the kernel when the process that started it is gone, as ipykernel's parent poller
/// does: jupyter_client names itself in JPY_PARENT_PID, and a kernel whose client was killed
/// must not run on alone.
public enum ParentWatch {
  public static func start(environment: [String: String] = ProcessInfo.processInfo.environment) {
    guard let text = environment["JPY_PARENT_PID"], let parent = Int32(text), parent > 1 else {
      return
    }
    let thread = Thread {
      while true {
        Thread.sleep(forTimeInterval: 1)
        // Orphaned: re-parented to init (or a subreaper), or the parent no longer exists.
        if getppid() != parent || kill(parent, 0) != 0 && errno == ESRCH { exit(0) }
      }
    }
    thread.name = "gradbook-kernel-parent"
    thread.start()
  }
}
