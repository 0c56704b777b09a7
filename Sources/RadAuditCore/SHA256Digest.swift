import CLibCrypto
import Foundation

/// SHA-256 digests (FIPS 180-4) as lowercase hexadecimal text, as every output records them; computed by the
/// system's libcrypto (OpenSSL's EVP interface).
public enum SHA256Digest {
    /// The digest of `data`.
    public static func hex(of data: Data) -> String {
        var hasher = Hasher()
        hasher.update(data)
        return hasher.finalize()
    }

    /// The digest of the UTF-8 bytes of `text`.
    public static func hex(of text: String) -> String { hex(of: Data(text.utf8)) }

    /// An incremental digest: `update` with the bytes in order, then `finalize` once.
    public struct Hasher {
        private let context: Context

        public init() { context = Context() }

        public mutating func update(_ data: Data) {
            data.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress, bytes.count > 0 else { return }
                precondition(EVP_DigestUpdate(context.pointer, base, bytes.count) == 1, "libcrypto: SHA-256 update failed")
            }
        }

        /// The hexadecimal digest of everything passed to `update`.
        public func finalize() -> String {
            var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            precondition(EVP_DigestFinal_ex(context.pointer, &digest, &length) == 1, "libcrypto: SHA-256 final failed")
            return digest.prefix(Int(length)).map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }
                .joined()
        }
    }

    /// The libcrypto digest context, freed with its owner.
    private final class Context {
        let pointer: OpaquePointer

        init() {
            guard let pointer = EVP_MD_CTX_new(), EVP_DigestInit_ex(pointer, EVP_sha256(), nil) == 1 else {
                fatalError("libcrypto: cannot set up a SHA-256 context")
            }
            self.pointer = pointer
        }

        deinit { EVP_MD_CTX_free(pointer) }
    }
}
