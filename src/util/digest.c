#include <config.h>

#include "util/digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/xalloc.h"

#define DIGEST_CHUNK 65536

/* read_into: feed length octets from offset to the digest; 0 or an errno. */
static int read_into(EVP_MD_CTX *ctx, int fd, uint64_t offset, uint64_t length)
{
	char *chunk = xmalloc(DIGEST_CHUNK);
	int err = 0;
	while (length > 0 && !err) {
		size_t want = length < DIGEST_CHUNK ? (size_t)length : DIGEST_CHUNK;
		ssize_t got = pread(fd, chunk, want, (off_t)offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			err = got < 0 ? errno : EIO;
		} else if (EVP_DigestUpdate(ctx, chunk, (size_t)got) != 1) {
			err = EIO;
		} else {
			offset += (uint64_t)got;
			length -= (uint64_t)got;
		}
	}
	free(chunk);
	return err;
}

int digest_sha256_fd(int fd, uint64_t offset, uint64_t length, char hex[DIGEST_SHA256_HEX_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int err = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 ? 0 : ENOMEM;
	if (!err)
		err = read_into(ctx, fd, offset, length);
	if (!err && (EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != 32))
		err = EIO;
	EVP_MD_CTX_free(ctx);
	hex[0] = '\0';
	if (err)
		return err;
	for (unsigned i = 0; i < md_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}
