/* fuzz_reply: libFuzzer harness for the POP3 reply grammar.
 *
 *   clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -I src -I <builddir> \
 *       src/util/xalloc.c src/util/buf.c src/util/sanitize.c src/util/numparse.c \
 *       src/pop3/reply.c src/pop3/capa.c tests/fuzz/fuzz_reply.c -lcrypto -o fuzz_reply
 *
 * Besides "no crash", it checks the body decoder's promise: the same output,
 * counts and consumed bytes whatever the split points, which it takes from
 * the first bytes of the input. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pop3/reply.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	buf_t out;
	uint64_t octets;
	uint64_t lines;
	size_t consumed;
	bool done;
} decoded_t;

static int collect(void *ctx, const char *data, size_t len)
{
	buf_append(ctx, data, len);
	return 0;
}

/* decode: feed text to a body decoder in chunks of the given sizes (cycled). */
static void decode(const char *text, size_t len, const uint8_t *chunks, size_t nchunks,
		   decoded_t *d)
{
	pop3_body_t body;
	size_t pos = 0;
	size_t k = 0;

	buf_init(&d->out);
	d->consumed = 0;
	pop3_body_init(&body);
	while (pos < len && !body.done) {
		size_t n = nchunks ? (size_t)chunks[k++ % nchunks] % 17 : len - pos;
		if (n > len - pos)
			n = len - pos;
		size_t used = pop3_body_feed(&body, text + pos, n, collect, &d->out);
		if (used > n || (!body.done && used != n))
			abort();
		pos += used;
		d->consumed += used;
		/* Zero-length chunks must be harmless, and must not stall us. */
		if (n == 0 && k > nchunks * 2 + len)
			nchunks = 0;
	}
	d->octets = body.octets;
	d->lines = body.lines;
	d->done = body.done;
	if (d->octets != d->out.len)
		abort();
}

static void fuzz_body(const char *text, size_t len, const uint8_t *chunks, size_t nchunks)
{
	decoded_t whole, split, bytes;
	static const uint8_t one = 1;

	decode(text, len, NULL, 0, &whole);
	decode(text, len, chunks, nchunks, &split);
	decode(text, len, &one, 1, &bytes);
	if (whole.consumed != split.consumed || whole.octets != split.octets ||
	    whole.lines != split.lines || whole.done != split.done ||
	    whole.consumed != bytes.consumed || whole.lines != bytes.lines ||
	    whole.octets != bytes.octets || whole.done != bytes.done)
		abort();
	if (whole.out.len && (memcmp(whole.out.data, split.out.data, whole.out.len) != 0 ||
			      memcmp(whole.out.data, bytes.out.data, whole.out.len) != 0))
		abort();
	/* Unstuffing only ever removes bytes. */
	if (whole.out.len > whole.consumed)
		abort();
	buf_free(&whole.out);
	buf_free(&split.out);
	buf_free(&bytes.out);
}

static void fuzz_lines(const char *text, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		size_t line_len = 0;
		long n = pop3_find_line(text + pos, len - pos, 512, &line_len);
		const char *line = text + pos;
		pop3_status_line_t st;
		uint64_t a, b;
		const char *uid;
		size_t uid_len;

		if (n < 0) {
			n = (long)((len - pos) < 512 ? (len - pos) : 512);
			line_len = (size_t)n;
		} else if (n == 0) {
			line_len = len - pos;
			n = (long)line_len;
		} else if (line_len >= (size_t)n) {
			abort();
		}
		pop3_parse_status(line, line_len, &st);
		if (st.text < line || st.text + st.text_len > line + line_len)
			abort();
		if (st.status == POP3_STATUS_OK)
			pop3_parse_stat(st.text, st.text_len, &a, &b);
		(void)pop3_code_explain(st.code);
		if (pop3_parse_scan_line(line, line_len, POP3_MAX_MESSAGES, &a, &b) &&
		    (a == 0 || a > POP3_MAX_MESSAGES || b > POP3_MAX_MESSAGE_SIZE))
			abort();
		if (pop3_parse_uidl_line(line, line_len, POP3_MAX_MESSAGES, &a, &uid, &uid_len) &&
		    (uid < line || uid + uid_len > line + line_len || uid_len == 0 || uid_len > 70))
			abort();
		pos += (size_t)n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* First byte: how many of the following bytes are chunk sizes. */
	size_t nchunks = size ? data[0] % 16 : 0;
	if (nchunks + 1 > size)
		nchunks = size ? size - 1 : 0;
	const uint8_t *chunks = data + (size ? 1 : 0);
	const char *text = (const char *)(size ? data + 1 + nchunks : data);
	size_t len = size ? size - 1 - nchunks : 0;
	pop3_capa_t capa;

	fuzz_body(text, len, chunks, nchunks);
	fuzz_lines(text, len);

	pop3_parse_capa(text, len, &capa);
	if (capa.sasl && strlen(capa.sasl) > 1024)
		abort();
	pop3_capa_free(&capa);

	char *stamp = pop3_apop_timestamp(text, len);
	if (stamp && (stamp[0] != '<' || strchr(stamp, '@') == NULL))
		abort();
	free(stamp);
	return 0;
}
