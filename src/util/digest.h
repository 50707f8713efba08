/* digest.h: SHA-256 of bytes read back from a file (OpenSSL EVP). */
#ifndef POPSCOPE_DIGEST_H
#define POPSCOPE_DIGEST_H

#include <stdint.h>

/* Hex digits of a SHA-256 digest, plus the terminating NUL. */
#define DIGEST_SHA256_HEX_SIZE 65

/* digest_sha256_fd: read length octets of fd from offset (pread: the file
 * position does not move) and write their SHA-256 into hex as 64
 * lower-case hex digits, the form sha256sum prints. Returns 0, or an
 * errno value: the read failed, or the file ended before length octets
 * (EIO). */
int digest_sha256_fd(int fd, uint64_t offset, uint64_t length, char hex[DIGEST_SHA256_HEX_SIZE]);

#endif
