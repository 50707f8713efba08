/* keytime.h: how long the view takes for a key, measured inside the
 * program for the benchmarks (bench/view-scale.sh). With the environment
 * variable POPSCOPE_TIMINGS=FILE the view appends one line a key to FILE:
 * the key's name and the milliseconds its handling plus the next redraw
 * took (the work, not the wait for the next frame). Without it nothing is
 * measured. */
#ifndef POPSCOPE_KEYTIME_H
#define POPSCOPE_KEYTIME_H

#include <stdbool.h>

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

#endif
