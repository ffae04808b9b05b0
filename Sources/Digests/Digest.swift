import COpenSSL

/// SHA-256 and HMAC-SHA256 by OpenSSL's libcrypto, the one hashing library of the program:
/// notebook figures are named by the SHA-256 of their data, and a Jupyter kernel signs its
/// messages with HMAC-SHA256.
public enum Digest {
  /// SHA-256 of `bytes` (FIPS 180-4), 32 bytes.
  public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let done = Array(bytes).withUnsafeBytes { input in
      out.withUnsafeMutableBufferPointer { output in
        EVP_Digest(
          input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
      }
    }
    // EVP_Digest fails only when out of memory; SHA-256 itself cannot fail.
    precondition(done == 1, "OpenSSL could not compute a SHA-256")
    return Array(out.prefix(Int(length)))
  }

  /// HMAC-SHA256 of `message` under `key` (RFC 2104), 32 bytes.
  public static func hmacSHA256(key: some Collection<UInt8>, _ message: some Collection<UInt8>)
    -> [UInt8]
  {
    var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let key = Array(key)
    let message = Array(message)
    let result = key.withUnsafeBytes { k in
      message.withUnsafeBytes { m in
        out.withUnsafeMutableBufferPointer { o in
          // A key of no bytes is a valid HMAC key; OpenSSL wants a pointer all the same.
          HMAC(
            EVP_sha256(), k.baseAddress ?? UnsafeRawPointer(o.baseAddress!), Int32(k.count),
            m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count, o.baseAddress,
            &length)
        }
      }
    }
    precondition(result != nil, "OpenSSL could not compute an HMAC-SHA256")
    return Array(out.prefix(Int(length)))
  }

  /// Whether `a` and `b` hold the same bytes, in a time that depends only on their length
  /// (`CRYPTO_memcmp`): comparing a signature byte by byte until the first difference would
  /// tell a forger how many leading bytes are right.
  public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { pa in
      b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0 }
    }
  }

  /// `bytes` in lowercase hexadecimal.
  public static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(2 * bytes.count)
    for b in bytes {
      text.append(digits[Int(b >> 4)])
      text.append(digits[Int(b & 15)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
