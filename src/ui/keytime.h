/* keytime.h: how long the view takes for a key, measured inside the
 * program for the benchmarks (bench/view-scale.sh). With the environment
 * variable POPSCOPE_TIMINGS=FILE the view appends one line a key to FILE:
 * the key's name and the milliseconds its handling plus the next redraw
 * took (the work, not the wait for the next frame). A key that asked for a
 * preview or a save (Enter, or Enter in the save prompt) adds a line once
 * the redraw after its reply is done (bench/preview-latency.sh):
 *   request:preview|request:save SENT REPLY SHOWN NUMBER
 * the milliseconds from the key to its command leaving, to the first line
 * of the reply, and to the end of that redraw (-1: never sent or no
 * reply). Without it nothing is measured. */
#ifndef POPSCOPE_KEYTIME_H
#define POPSCOPE_KEYTIME_H

#include <stdbool.h>

#include "session.h"

void keytime_open(void);
void keytime_close(void);
/* keytime_on: a file is open (callers skip the clock otherwise). */
bool keytime_on(void);
/* keytime_now_us: a monotonic clock. */
long long keytime_now_us(void);
/* keytime_key: a key (its name) was handled in us microseconds. */
void keytime_key(const char *name, long long us);
/* keytime_drawn: a redraw took us microseconds; it ends the lines of the
 * keys handled since the last one. */
void keytime_drawn(long long us);
/* keytime_request: a key that began at key_us was handled; asked_before
 * is timing->asked before it. When the key asked for a preview or a save,
 * its line is written by keytime_answered. */
void keytime_request(const session_timing_t *timing, unsigned long asked_before, long long key_us);
/* keytime_answered: a redraw ended at now_us: the line of the request
 * awaited, when its reply is in. */
void keytime_answered(const session_timing_t *timing, long long now_us);

#endif
