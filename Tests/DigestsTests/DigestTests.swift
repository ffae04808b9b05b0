import Digests
import Testing

/// Published test vectors: FIPS 180-4's examples (via NIST's "SHA256.pdf") and RFC 4231's
/// HMAC-SHA256 cases, none computed by the code under test.
@Suite struct DigestTests {
  @Test func sha256MatchesFIPSExamples() {
    #expect(
      Digest.hex(Digest.sha256("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      Digest.hex(Digest.sha256("".utf8))
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      Digest.hex(Digest.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func hmacMatchesRFC4231() {
    // Test case 1: a 20-byte key of 0x0b, "Hi There".
    #expect(
      Digest.hex(Digest.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), "Hi There".utf8))
        == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    // Test case 2: a key shorter than the block, "Jefe".
    #expect(
      Digest.hex(Digest.hmacSHA256(key: "Jefe".utf8, "what do ya want for nothing?".utf8))
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    // Test case 6: a 131-byte key, longer than the block, hashed first.
    #expect(
      Digest.hex(
        Digest.hmacSHA256(
          key: [UInt8](repeating: 0xaa, count: 131),
          "Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
  }

  @Test func anEmptyKeyIsAKey() {
    // Jupyter's `key: ""` turns signing off before it gets here, but HMAC itself accepts an
    // empty key: HMAC-SHA256("", "") is a published constant.
    #expect(
      Digest.hex(Digest.hmacSHA256(key: [UInt8](), [UInt8]()))
        == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
  }

  @Test func comparisonIsByValueAndLength() {
    #expect(Digest.constantTimeEqual([1, 2, 3], [1, 2, 3]))
    #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2, 4]))
    #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2]))
    #expect(Digest.constantTimeEqual([], []))
  }
}
