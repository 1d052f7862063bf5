/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * lbshim.h - the little C that P/Invoke cannot do: libbpf's print callback
 * takes a va_list, which .NET cannot receive, so the shim formats each
 * message and hands the finished string to a managed callback.
 */
#ifndef LBSHIM_H
#define LBSHIM_H

/* level: enum libbpf_print_level (0 warn, 1 info, 2 debug); message: one
 * formatted libbpf message, NUL-terminated, valid during the call only. */
typedef void (*lbshim_log_fn)(int level, const char *message);

/* Route libbpf's messages to fn; NULL silences libbpf. */
void lbshim_set_log(lbshim_log_fn fn);

#endif /* LBSHIM_H */
