import Testing

@testable import REPL
@testable import Workspace

/// `:help augment` and `:help stop`, fit's options, and the pages of their built-ins.
@Suite struct TrainingHelpTests {
  @Test func augmentAndStopHaveTopicsWithExamples() throws {
    let augment = try #require(Help.page("augment"))
    let stop = try #require(Help.page("stop"))
    for name in ["flip(p: 0.5)", "shift(k)", "crop(size, pad: p)", "pca_color(sigma)"] {
      #expect(augment.contains("\n  \(name)"), "\(name)")
    }
    #expect(augment.contains("example: h = fit(net, train, loss: cross_entropy"))
    for line in (augment + stop).split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
    #expect(stop.contains("early(patience: 10, restore: true)"))
    #expect(stop.contains("example: h = fit(net, train, val: test, epochs: 500"))
    let early = try #require(Help.page("early"))
    #expect(early.hasPrefix("early(patience: 10, restore: true)\n"))
    let fit = try #require(Help.page("fit", width: 200))
    #expect(fit.contains("augment: none, stop: none"))
    #expect(Help.index().contains("augment") && Help.index().contains("pca_color"))
  }
}
