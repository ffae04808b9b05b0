import Foundation
import Testing

@testable import Plotting

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// These run the real gnuplot (Scripts/setup installs gnuplot-nox).
@Suite struct GnuplotProcessTests {
  @Test func eachBatchGetsItsOwnOutput() throws {
    let gnuplot = GnuplotProcess()
    #expect(try gnuplot.run("print 1+2") == GnuplotReply(output: "3\n"))
    #expect(try gnuplot.run("print 'two'\nprint 2**10").output == "two\n1024\n")
    #expect(try gnuplot.run("a = 5").output == "")
    // The same process: the variable survives between batches.
    #expect(try gnuplot.run("print a").output == "5\n")
  }

  @Test func anErrorFailsItsBatchAndTheNextBatchRunsOnTheSameProcess() throws {
    let gnuplot = GnuplotProcess()
    _ = try gnuplot.run("print 1")
    let pid = gnuplot.processIdentifier
    #expect(throws: GnuplotError.failed("foo bar\n^\ninvalid command")) {
      try gnuplot.run("print 1\nfoo bar\nprint 2")
    }
    #expect(throws: GnuplotError.failed("plot sin(x\n          ^\n')' expected")) {
      try gnuplot.run("set terminal dumb\nplot sin(x")
    }
    #expect(throws: GnuplotError.failed("undefined variable: nosuchvariable")) {
      try gnuplot.run("print nosuchvariable")
    }
    #expect(try gnuplot.run("print 'after'").output == "after\n")
    #expect(gnuplot.processIdentifier == pid)
  }

  @Test func warningsAreNotErrors() throws {
    let gnuplot = GnuplotProcess()
    let reply = try gnuplot.run(
      "set terminal dumb size 40,12\nplot 1, '/dev/null'\nprinterr 'a note'")
    #expect(
      reply.warnings == [
        "warning: Skipping data file with no valid points",
        "Warning: empty y range [1:1], adjusting to [0.99:1.01]",
        "a note",
      ])
    #expect(reply.output.contains("*"))
  }

  @Test func stderrIsSortedIntoErrorsAndWarnings() {
    // What gnuplot 5.4 wrote for `plot "nofile.dat"`, a bad `set output` and an undefined
    // variable, read from a pipe.
    let stderr = """
               line 0: warning: Cannot find or open file "nofile.dat"
               line 0: No data in plot


      gnuplot> set output "/nonexistent/dir/a.svg"
                                                  ^
               line 0:          cannot open file; output not changed
      system error: No such file or directory

               "lib.gp" line 3: undefined variable: y

      """
    let found = GnuplotProcess.diagnostics(in: stderr)
    #expect(found.warnings == [#"warning: Cannot find or open file "nofile.dat""#])
    #expect(
      found.errors == [
        "No data in plot",
        """
        set output "/nonexistent/dir/a.svg"
                                           ^
        cannot open file; output not changed
        system error: No such file or directory
        """,
        #""lib.gp" line 3: undefined variable: y"#,
      ])
  }

  @Test func aFileIsCompleteWhenRunReturns() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let gnuplot = GnuplotProcess()
    let path = folder + "/a.svg"
    // No `set output` of the script's own: the bridge closes the file.
    _ = try gnuplot.run("set terminal svg size 300,200\nset output '\(path)'\nplot sin(x)")
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</svg>"))
    #expect(XMLParser(data: data).parse())
  }

  @Test func theDumbTerminalsTextIsTheOutput() throws {
    let gnuplot = GnuplotProcess()
    let output = try gnuplot.run("set terminal dumb size 60,20\nplot x**2").output
    #expect(output.hasPrefix("\u{0C}"))  // gnuplot starts each text page with a form feed
    let lines = output.dropFirst().split(separator: "\n", omittingEmptySubsequences: false)
    #expect((19...21).contains(lines.count))
    #expect(lines.allSatisfy { $0.count <= 60 })
    #expect(output.contains("*"))
  }

  @Test func largeOutputsArriveWhole() throws {
    let gnuplot = GnuplotProcess()
    let text = try gnuplot.run("set terminal dumb size 200,60\nset samples 1000\nplot sin(x)")
    #expect(text.output.split(separator: "\n").count >= 59)
    let numbers = try gnuplot.run("do for [i=1:100000] { print i }").output
    #expect(numbers.utf8.count == 588_895)
    #expect(numbers.hasPrefix("1\n2\n") && numbers.hasSuffix("\n99999\n100000\n"))
    let sixel = try gnuplot.run(
      """
      set terminal sixelgd size 1600,1200 truecolor
      set samples 2000
      plot for [i=1:30] sin(x*i)*i with lines lw 3
      """
    ).output
    #expect(sixel.utf8.count > 500_000)
    #expect(sixel.hasPrefix("\u{1B}P") && sixel.hasSuffix("\u{1B}\\"))
    // And a large script: 100,000 rows of data in a datablock.
    let rows = (1...100_000).map { "\($0) \($0 * 2)" }.joined(separator: "\n")
    let stats = try gnuplot.run("$d << EOD\n\(rows)\nEOD\nstats $d nooutput\nprint STATS_records")
    #expect(stats.output == "100000\n")
  }

  @Test func aKilledGnuplotIsReplacedOnTheNextBatch() throws {
    let gnuplot = GnuplotProcess()
    _ = try gnuplot.run("print 1")
    let pid = try #require(gnuplot.processIdentifier)
    kill(pid, SIGKILL)
    #expect(try gnuplot.run("print 2").output == "2\n")
    #expect(gnuplot.processIdentifier != pid)
    // And once more after its end is surely visible.
    let second = try #require(gnuplot.processIdentifier)
    kill(second, SIGKILL)
    usleep(100_000)
    #expect(!gnuplot.isRunning)
    #expect(try gnuplot.run("print 3").output == "3\n")
  }

  @Test func gnuplotIsInItsOwnProcessGroup() throws {
    let gnuplot = GnuplotProcess()
    _ = try gnuplot.run("print 1")
    let pid = try #require(gnuplot.processIdentifier)
    // Ctrl-C goes to the terminal's foreground group, which is ours, not gnuplot's.
    #expect(getpgid(pid) == pid)
    #expect(getpgid(pid) != getpgrp())
  }

  @Test func aBatchThatEndsGnuplotSaysSo() throws {
    let gnuplot = GnuplotProcess()
    #expect(throws: GnuplotError.died("bye")) { try gnuplot.run("printerr 'bye'\nexit") }
    #expect(try gnuplot.run("print 4").output == "4\n")
  }

  @Test func stopEndsGnuplot() throws {
    let gnuplot = GnuplotProcess()
    _ = try gnuplot.run("print 1")
    let pid = try #require(gnuplot.processIdentifier)
    gnuplot.stop()
    #expect(!gnuplot.isRunning)
    #expect(kill(pid, 0) == -1)
    #expect(try gnuplot.run("print 5").output == "5\n")
  }

  @Test func withoutGnuplotRunSaysHowToInstallIt() {
    #expect(GnuplotProcess.locate(path: "/nonexistent") == nil)
    #expect(GnuplotProcess.locate(path: "/nonexistent:/usr/bin") == "/usr/bin/gnuplot")
    #expect(throws: GnuplotError.notInstalled) {
      try GnuplotProcess(executable: "/nonexistent/gnuplot").run("print 1")
    }
    // A folder is not a program.
    #expect(throws: GnuplotError.notInstalled) {
      try GnuplotProcess(executable: "/usr/bin").run("print 1")
    }
    #expect(GnuplotError.notInstalled.description.contains("apt-get install gnuplot-nox"))
  }

  @Test(arguments: ["pause 100", "system('sleep 100')", "print 1\nset print '/dev/null'\n{"])
  func aBatchThatHangsTimesOutAndTheNextOneWorks(script: String) throws {
    // 3 s, not 1: a loaded machine can take more than a second to start gnuplot for the
    // first batch, which must not time out.
    let gnuplot = GnuplotProcess(timeout: 3)
    _ = try gnuplot.run("print 1")
    let started = Date()
    #expect(throws: GnuplotError.timedOut(3)) { try gnuplot.run(script) }
    #expect(Date().timeIntervalSince(started) < 8)
    #expect(!gnuplot.isRunning)
    #expect(try gnuplot.run("print 6").output == "6\n")
    #expect(GnuplotError.timedOut(3).description.contains("within 3 s"))
  }

  @Test func aScriptTooBigToWriteWhileGnuplotHangsTimesOut() throws {
    let gnuplot = GnuplotProcess(timeout: 3)
    let lines = String(repeating: "a = 1\n", count: 200_000)
    let started = Date()
    #expect(throws: GnuplotError.timedOut(3)) { try gnuplot.run("pause 100\n" + lines) }
    #expect(Date().timeIntervalSince(started) < 8)
    #expect(try gnuplot.run("print 7").output == "7\n")
  }

  private func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "gnuplot-process-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}
