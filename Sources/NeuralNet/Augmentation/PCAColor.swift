import TensorEngine

/// AlexNet's colour augmentation ("fancy PCA"): to every pixel of an RGB image add the same
///
/// ```
/// [p₁ p₂ p₃] · [α₁λ₁, α₂λ₂, α₃λ₃]ᵀ,   αᵢ ~ N(0, σ²) drawn once per image,
/// ```
/// where pᵢ and λᵢ are the eigenvectors and eigenvalues of the 3×3 covariance of the
/// training set's RGB pixel values (numpy's `np.cov(pixels.T)`, dividing by N − 1),
/// computed once per fit by LAPACK (`Tensor.symmetricEigen`, OpenBLAS's `dsyevd`). It
/// changes the intensity and colour of the lighting, to which an object's identity is
/// invariant. α₁, α₂, α₃ are drawn in the order of ascending λ.
public struct PCAColor: Augmentation {
  public let sigma: Double
  /// The eigenvalues λ ascending and the eigenvectors as the columns of a row-major 3×3
  /// matrix; nil until `prepared(for:)`.
  public let components: (values: [Double], vectors: [Double])?

  public init(sigma: Double = 0.1) throws {
    guard sigma >= 0, sigma.isFinite else {
      throw TensorError(
        .argument, "pca_color's σ must be a number ≥ 0, not \(formatMetric(sigma))")
    }
    self.sigma = sigma
    components = nil
  }

  init(sigma: Double, components: (values: [Double], vectors: [Double])) {
    self.sigma = sigma
    self.components = components
  }

  public func prepared(for data: Dataset) throws -> any Augmentation {
    PCAColor(sigma: sigma, components: try Self.principalComponents(of: data))
  }

  /// The eigenvalues (ascending) and eigenvectors (columns of a row-major 3×3) of the
  /// covariance of `data`'s RGB pixels, each pixel one observation of 3 variables.
  public static func principalComponents(of data: Dataset) throws
    -> (values: [Double], vectors: [Double])
  {
    let shape = try ImageShape(data.sampleShape, for: "pca_color", of: data.name)
    guard shape.channels == 3 else {
      throw TensorError(
        .shape,
        "pca_color shifts the colours of RGB images [3, h, w], but the samples of \(data.name) have "
          + "\(shape.channels) channel\(shape.channels == 1 ? "" : "s") "
          + "(\(Shape.describe(data.sampleShape))); leave it out for grey images")
    }
    let pixels = data.count * shape.plane
    guard pixels >= 2 else {
      throw TensorError(.argument, "pca_color needs at least 2 pixels to measure the colours")
    }
    var mean = [0.0, 0.0, 0.0]
    var products = [Double](repeating: 0, count: 9)
    data.x.scalars.withUnsafeBufferPointer { x in
      for i in 0..<data.count {
        let image = i * shape.count
        for c in 0..<3 {
          for k in 0..<shape.plane { mean[c] += x[image + c * shape.plane + k] }
        }
      }
      for c in 0..<3 { mean[c] /= Double(pixels) }
      for i in 0..<data.count {
        let image = i * shape.count
        for k in 0..<shape.plane {
          let r = x[image + k] - mean[0]
          let g = x[image + shape.plane + k] - mean[1]
          let b = x[image + 2 * shape.plane + k] - mean[2]
          products[0] += r * r
          products[1] += r * g
          products[2] += r * b
          products[4] += g * g
          products[5] += g * b
          products[8] += b * b
        }
      }
    }
    // The lower triangle mirrors the upper one.
    (products[3], products[6], products[7]) = (products[1], products[2], products[5])
    let covariance = try Tensor(
      shape: [3, 3], scalars: products.map { $0 / Double(pixels - 1) })
    guard covariance.scalars.allSatisfy(\.isFinite) else {
      throw TensorError(.argument, "pca_color: the training images hold values that are not finite")
    }
    let (values, vectors) = try covariance.symmetricEigen()
    return (values.scalars, vectors.scalars)
  }

  public func apply(
    _ image: UnsafeMutablePointer<Double>, _ shape: ImageShape,
    scratch: UnsafeMutablePointer<Double>, using generator: inout RandomGenerator
  ) {
    guard let (values, vectors) = components else { return }
    let scaled = (0..<3).map { sigma * generator.normal() * values[$0] }
    for c in 0..<3 {
      let shift = (0..<3).reduce(0.0) { $0 + vectors[c * 3 + $1] * scaled[$1] }
      let plane = image + c * shape.plane
      for k in 0..<shape.plane { plane[k] += shift }
    }
  }

  public var description: String { "pca_color(\(formatMetric(sigma)))" }
}
