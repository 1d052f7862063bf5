// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * lbshim.c - see lbshim.h. Nothing else goes here: every libbpf call that
 * P/Invoke can reach is made from C# directly.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/libbpf.h>
#include "lbshim.h"

static lbshim_log_fn log_fn;

static int lbshim_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	lbshim_log_fn fn = __atomic_load_n(&log_fn, __ATOMIC_ACQUIRE);
	char *message;
	int len;

	if (!fn)
		return 0;
	len = vasprintf(&message, fmt, args);
	if (len < 0)
		return len;
	fn((int)level, message);
	free(message);
	return len;
}

void lbshim_set_log(lbshim_log_fn fn)
{
	__atomic_store_n(&log_fn, fn, __ATOMIC_RELEASE);
	libbpf_set_print(fn ? lbshim_print : NULL);
}
