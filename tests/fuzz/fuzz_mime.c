/* fuzz_mime.c: libFuzzer harness for the MIME glue: summary, structure,
 * body text (and so the HTML reducer) and part decoding.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I <build dir> \
 *     $(pkg-config --cflags gmime-3.0 libxml-2.0) tests/fuzz/fuzz_mime.c \
 *     src/mime.c src/util/buf.c src/util/xalloc.c \
 *     $(pkg-config --libs gmime-3.0 libxml-2.0 openssl) -o fuzz_mime
 *   ASAN_OPTIONS=detect_leaks=0 ./fuzz_mime -max_total_time=60
 *
 * Leak detection is off because GLib keeps process-wide caches. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mime.h"
#include "util/buf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	mime_init();
	return 0;
}

/* Everything returned must be valid UTF-8 and NUL-terminated (reading it
 * to the end lets ASan see an overrun). */
static void check_utf8_string(const char *s)
{
	if (s != NULL && !g_utf8_validate(s, -1, NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mime_summary_t summary;
	mime_message_t *message;
	char *errstr = NULL;
	char *text;
	size_t i;

	mime_summarize((const char *)data, size, &summary);
	check_utf8_string(summary.subject);
	check_utf8_string(summary.from);
	check_utf8_string(summary.from_address);
	check_utf8_string(summary.date_text);
	mime_summary_free(&summary);

	text = mime_html_to_text((const char *)data, size);
	check_utf8_string(text);
	free(text);

	message = mime_parse((const char *)data, size, &errstr);
	if (message == NULL) {
		free(errstr);
		return 0;
	}
	check_utf8_string(mime_message_summary(message)->to);
	text = mime_body_text(message);
	check_utf8_string(text);
	free(text);
	for (i = 0; i < mime_part_count(message); i++) {
		const mime_part_info_t *part = mime_part(message, i);
		buf_t out;

		check_utf8_string(part->id);
		check_utf8_string(part->content_type);
		check_utf8_string(part->filename);
		buf_init(&out);
		if (mime_part_decode(message, i, &out, &errstr) != 0) {
			free(errstr);
			errstr = NULL;
		}
		buf_free(&out);
	}
	mime_free(message);
	return 0;
}
