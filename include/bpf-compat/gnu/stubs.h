/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intentionally empty.
 *
 * BPF programs may include glibc headers such as <limits.h>, which pull in
 * <gnu/stubs.h>.  glibc's copy then includes gnu/stubs-32.h, because the BPF
 * target does not define __x86_64__, and that file only exists when the
 * 32-bit glibc development package is installed.  Nothing in it matters to
 * BPF code, so the BPF build puts include/bpf-compat ahead of the system
 * include directories and this empty file takes glibc's place.
 */
