#include <config.h>

#include "util/size.h"

#include <stdio.h>

const char *size_format(uint64_t octets, char *out, size_t outlen)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	const size_t last = sizeof units / sizeof *units - 1;

	if (octets < 1024) {
		snprintf(out, outlen, "%llu B", (unsigned long long)octets);
		return out;
	}
	double value = (double)octets / 1024.0;
	size_t unit = 0;
	/* At most three digits before the unit, so that a size fits a column
	 * of seven cells: from 999.5 on it is the next unit's "1.0". */
	while (value >= 999.5 && unit < last) {
		value /= 1024.0;
		unit++;
	}
	snprintf(out, outlen, value < 9.95 ? "%.1f %s" : "%.0f %s", value, units[unit]);
	return out;
}
