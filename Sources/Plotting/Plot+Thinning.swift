extension Plot {
  /// The most points a figure draws. gnuplot draws this many in well under a second; a
  /// figure of millions of points would take minutes and could not be told from one of a
  /// sample of them.
  public static let maxPoints = 100_000

  /// The number of points of all series.
  public var pointCount: Int { series.reduce(0) { $0 + Swift.min($1.x.count, $1.y.count) } }

  /// This figure with at most `limit` points: every k-th point of each series, the same k for
  /// all so that their proportions stay, and a sentence saying so; or the figure as it is
  /// and nil when it has no more than `limit`.
  public func thinned(toAtMost limit: Int = Plot.maxPoints) -> (plot: Plot, note: String?) {
    let total = pointCount
    guard total > limit, limit > 0 else { return (self, nil) }
    let k = (total + limit - 1) / limit
    var thin = self
    for i in thin.series.indices {
      let s = thin.series[i]
      let n = Swift.min(s.x.count, s.y.count)
      thin.series[i].x = stride(from: 0, to: n, by: k).map { s.x[$0] }
      thin.series[i].y = stride(from: 0, to: n, by: k).map { s.y[$0] }
    }
    let note =
      "note: the figure has \(total) points; it shows every \(ordinal(k)) "
      + "(\(thin.pointCount)), as gnuplot would take minutes to draw them all"
    return (thin, note)
  }
}

/// `2nd`, `3rd`, `10th`, `21st`.
private func ordinal(_ n: Int) -> String {
  let suffix: String
  switch (n % 10, n % 100) {
  case (1, let h) where h != 11: suffix = "st"
  case (2, let h) where h != 12: suffix = "nd"
  case (3, let h) where h != 13: suffix = "rd"
  default: suffix = "th"
  }
  return "\(n)\(suffix)"
}
