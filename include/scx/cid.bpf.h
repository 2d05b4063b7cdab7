/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmasks in BPF: helpers for struct scx_cmask, the kernel's bitmap over
 * cids (the compact CPU ids of cid-form schedulers, v7.3).
 *
 * A cmask covers the cids [base, base + nr_cids).  Its bits[] words sit on
 * the global grid of 64 cids: bits[0] holds cids (base & ~63) up to
 * (base & ~63) + 63, so the bits of a word below base and above the last
 * cid are padding, kept zero by every helper that writes.  Because of the
 * grid, the same absolute word (cid / 64) of two cmasks covers the same
 * cids whatever their bases, and whole-mask operations work word by word.
 * alloc_words is the storage behind bits[], fixed when the mask is set up.
 *
 * The masks live in the BPF arena (they are what the cid kfuncs take and
 * return).  Loops are bounded by CMASK_MAX_WORDS for the verifier.  The
 * x86 JIT has no fetching atomic OR or AND on arena memory, so the atomic
 * bit updates are compare-and-swap loops.
 *
 * Included by common.bpf.h.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_CID_BPF_H
#define __SCX_CID_BPF_H

#include "bpf_arena_common.bpf.h"

/* BIT_U64 - u64 with only bit @nr set. */
#ifndef BIT_U64
#define BIT_U64(nr)		(1ULL << (nr))
#endif

/* GENMASK_U64 - u64 with bits @l up to @h (inclusive) set. */
#ifndef GENMASK_U64
#define GENMASK_U64(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#endif

/*
 * CMASK_MAX_WORDS - the most bits[] words any loop here visits: 8192 cids
 * plus one word for a base that is not a multiple of 64.  Define it larger
 * before including common.bpf.h for bigger machines.
 */
#ifndef CMASK_MAX_WORDS
#define CMASK_MAX_WORDS		129
#endif

/*
 * CMASK_NR_WORDS - bits[] words needed for @nr_cids cids at any base: one
 * more than the cids need, for the padding below an unaligned base.
 * Computed in 64 bits so that a huge @nr_cids gives a huge result rather
 * than wrap to a small one.  The kernel sizes its cmasks the same way.
 */
#define CMASK_NR_WORDS(nr_cids)	((u32)(((u64)(nr_cids) + 63) / 64 + 1))

/*
 * CMASK_CAS_TRIES - compare-and-swap attempts on one word before an atomic
 * update gives up and fails the scheduler: far more than contention could
 * ever need, so running out means something is broken.
 */
#define CMASK_CAS_TRIES		(1U << 23)

/* __cmask_contains - is @cid within @m's range? */
static __always_inline bool __cmask_contains(u32 cid,
					     const struct scx_cmask __arena *m)
{
	return cid >= m->base && cid - m->base < m->nr_cids;
}

/* __cmask_aword - @m's word for absolute word index @aw (cid / 64). */
static __always_inline u64 __arena *
__cmask_aword(const struct scx_cmask __arena *m, u32 aw)
{
	return (u64 __arena *)&m->bits[aw - m->base / 64];
}

/* __cmask_word - the word of @m that holds @cid, which it must contain. */
static __always_inline u64 __arena *__cmask_word(u32 cid,
						 const struct scx_cmask __arena *m)
{
	return __cmask_aword(m, cid / 64);
}

/* __cmask_min, __cmask_max - the smaller and the larger of two u32. */
static __always_inline u32 __cmask_min(u32 a, u32 b)
{
	return a < b ? a : b;
}

static __always_inline u32 __cmask_max(u32 a, u32 b)
{
	return a > b ? a : b;
}

/* __cmask_end - one past @m's last cid. */
static __always_inline u32 __cmask_end(const struct scx_cmask __arena *m)
{
	return m->base + m->nr_cids;
}

/* __cmask_zero_words - zero the first @nr_words words of @m. */
static __always_inline void __cmask_zero_words(struct scx_cmask __arena *m,
					       u32 nr_words)
{
	u32 i;

	bpf_for(i, 0, CMASK_MAX_WORDS) {
		if (i >= nr_words)
			break;
		m->bits[i] = 0;
	}
}

/*
 * __cmask_init - set up @m for cids [@base, @base + @nr_cids) with storage
 * for @alloc_cids cids (at least @nr_cids), all clear; room to grow with
 * cmask_reframe().  Fails the scheduler if @nr_cids does not fit.
 */
static __always_inline void __cmask_init(struct scx_cmask __arena *m,
					 u32 base, u32 nr_cids, u32 alloc_cids)
{
	if (nr_cids > alloc_cids) {
		scx_bpf_error("cmask: %u cids do not fit storage for %u",
			      nr_cids, alloc_cids);
		return;
	}
	m->base = base;
	m->nr_cids = nr_cids;
	m->alloc_words = CMASK_NR_WORDS(alloc_cids);
	__cmask_zero_words(m, m->alloc_words);
}

/* cmask_init - set up @m for cids [@base, @base + @nr_cids), all clear. */
static __always_inline void cmask_init(struct scx_cmask __arena *m, u32 base,
				       u32 nr_cids)
{
	__cmask_init(m, base, nr_cids, nr_cids);
}

/*
 * cmask_reframe - move @m's range to [@base, @base + @nr_cids) in its
 * existing storage (fails the scheduler if that is too small)
 *
 * Only the first and last words are cleared, which keeps the padding zero;
 * the bits in between are left as they were, so treat them as garbage and
 * rewrite them (cmask_copy(), cmask_zero(), ...).
 */
static __always_inline void cmask_reframe(struct scx_cmask __arena *m,
					  u32 base, u32 nr_cids)
{
	if (CMASK_NR_WORDS(nr_cids) > m->alloc_words) {
		scx_bpf_error("cmask: %u cids do not fit %u words",
			      nr_cids, m->alloc_words);
		return;
	}
	if (nr_cids) {
		m->bits[0] = 0;
		m->bits[(base % 64 + nr_cids - 1) / 64] = 0;
	}
	m->base = base;
	m->nr_cids = nr_cids;
}

/* cmask_zero - clear every cid of @m. */
static __always_inline void cmask_zero(struct scx_cmask __arena *m)
{
	__cmask_zero_words(m, CMASK_NR_WORDS(m->nr_cids));
}

/* cmask_test - is @cid set in @m?  False outside @m's range. */
static __always_inline bool cmask_test(u32 cid, const struct scx_cmask __arena *m)
{
	return __cmask_contains(cid, m) &&
	       (*__cmask_word(cid, m) & BIT_U64(cid % 64));
}

/*
 * __cmask_cas_update - atomically set (@set) or clear @cid in @m and
 * return whether it was set before; false, changing nothing, outside @m's
 * range.  Backend of the atomic helpers below.
 */
static __always_inline bool __cmask_cas_update(u32 cid,
					       struct scx_cmask __arena *m,
					       bool set)
{
	u64 __arena *w;
	u64 bit, old;
	u32 i;

	if (!__cmask_contains(cid, m))
		return false;
	w = __cmask_word(cid, m);
	bit = BIT_U64(cid % 64);
	bpf_for(i, 0, CMASK_CAS_TRIES) {
		old = *w;
		/* already as wanted: nothing to write */
		if (!(old & bit) == !set)
			return old & bit;
		if (__sync_val_compare_and_swap(w, old, old ^ bit) == old)
			return old & bit;
	}
	scx_bpf_error("cmask: compare-and-swap kept failing on cid %u", cid);
	return false;
}

/* cmask_set - atomically set @cid in @m; ignored outside @m's range. */
static __always_inline void cmask_set(u32 cid, struct scx_cmask __arena *m)
{
	__cmask_cas_update(cid, m, true);
}

/* cmask_clear - atomically clear @cid in @m; ignored outside @m's range. */
static __always_inline void cmask_clear(u32 cid, struct scx_cmask __arena *m)
{
	__cmask_cas_update(cid, m, false);
}

/*
 * cmask_test_and_set - atomically set @cid in @m; true if it already was.
 * Outside @m's range: false, nothing set.
 */
static __always_inline bool cmask_test_and_set(u32 cid,
					       struct scx_cmask __arena *m)
{
	return __cmask_cas_update(cid, m, true);
}

/*
 * cmask_test_and_clear - atomically clear @cid in @m; true if it was set,
 * i.e. if this call is the one that cleared it.  Outside @m's range: false.
 */
static __always_inline bool cmask_test_and_clear(u32 cid,
						 struct scx_cmask __arena *m)
{
	return __cmask_cas_update(cid, m, false);
}

/*
 * __cmask_test_and_set, __cmask_test_and_clear, __cmask_set,
 * __cmask_clear - non-atomic versions of the above, for masks no other CPU
 * writes at the same time.
 */
static __always_inline bool __cmask_test_and_set(u32 cid,
						 struct scx_cmask __arena *m)
{
	u64 __arena *w;
	u64 old;

	if (!__cmask_contains(cid, m))
		return false;
	w = __cmask_word(cid, m);
	old = *w;
	*w = old | BIT_U64(cid % 64);
	return old & BIT_U64(cid % 64);
}

static __always_inline bool __cmask_test_and_clear(u32 cid,
						   struct scx_cmask __arena *m)
{
	u64 __arena *w;
	u64 old;

	if (!__cmask_contains(cid, m))
		return false;
	w = __cmask_word(cid, m);
	old = *w;
	*w = old & ~BIT_U64(cid % 64);
	return old & BIT_U64(cid % 64);
}

static __always_inline void __cmask_set(u32 cid, struct scx_cmask __arena *m)
{
	__cmask_test_and_set(cid, m);
}

static __always_inline void __cmask_clear(u32 cid, struct scx_cmask __arena *m)
{
	__cmask_test_and_clear(cid, m);
}

/*
 * Whole-mask operations
 *
 * Binary operations act on the cids both masks cover, [lo, hi): the
 * larger base up to the smaller end.  The first and last absolute words of
 * that window are only partly inside it; __cmask_window_bits() gives the
 * bits of absolute word @aw that are.
 */
static __always_inline u64 __cmask_window_bits(u32 aw, u32 lo, u32 hi)
{
	u64 bits = ~0ULL;

	if (aw == lo / 64)
		bits &= GENMASK_U64(63, lo % 64);
	if (aw == (hi - 1) / 64)
		bits &= GENMASK_U64((hi - 1) % 64, 0);
	return bits;
}

/* Operations of cmask_op() and cmask_op_word(). */
enum {
	BPF_CMASK_OP_AND,	/* dst &= src */
	BPF_CMASK_OP_OR,	/* dst |= src */
	BPF_CMASK_OP_COPY,	/* dst = src */
	BPF_CMASK_OP_ANDNOT,	/* dst &= ~src */
};

/*
 * cmask_op_word - apply @op to word @di of @dst and word @si of @src, only
 * in the bits of @mask; the other bits of the destination word stay.
 */
static __always_inline void cmask_op_word(struct scx_cmask __arena *dst,
					  const struct scx_cmask __arena *src,
					  u32 di, u32 si, u64 mask, int op)
{
	u64 d = dst->bits[di], s = src->bits[si], r;

	switch (op) {
	case BPF_CMASK_OP_AND:
		r = d & s;
		break;
	case BPF_CMASK_OP_OR:
		r = d | s;
		break;
	case BPF_CMASK_OP_ANDNOT:
		r = d & ~s;
		break;
	default:
		r = s;
		break;
	}
	dst->bits[di] = (d & ~mask) | (r & mask);
}

/*
 * cmask_op - @dst = @dst @op @src over the cids both cover; @dst's other
 * cids are left alone.  Not atomic.
 */
static __always_inline void cmask_op(struct scx_cmask __arena *dst,
				     const struct scx_cmask __arena *src, int op)
{
	u32 lo = __cmask_max(dst->base, src->base);
	u32 hi = __cmask_min(__cmask_end(dst), __cmask_end(src));
	u32 i, aw;

	if (lo >= hi)
		return;
	bpf_for(i, 0, CMASK_MAX_WORDS) {
		aw = lo / 64 + i;
		if (aw > (hi - 1) / 64)
			break;
		cmask_op_word(dst, src, aw - dst->base / 64,
			      aw - src->base / 64,
			      __cmask_window_bits(aw, lo, hi), op);
	}
}

/*
 * cmask_and, cmask_or, cmask_copy, cmask_andnot - @dst &= @src, |= @src,
 * = @src, &= ~@src, over the cids both cover.  cmask_copy() in particular
 * leaves the cids of @dst that @src does not cover as they were.
 */
static __always_inline void cmask_and(struct scx_cmask __arena *dst,
				      const struct scx_cmask __arena *src)
{
	cmask_op(dst, src, BPF_CMASK_OP_AND);
}

static __always_inline void cmask_or(struct scx_cmask __arena *dst,
				     const struct scx_cmask __arena *src)
{
	cmask_op(dst, src, BPF_CMASK_OP_OR);
}

static __always_inline void cmask_copy(struct scx_cmask __arena *dst,
				       const struct scx_cmask __arena *src)
{
	cmask_op(dst, src, BPF_CMASK_OP_COPY);
}

static __always_inline void cmask_andnot(struct scx_cmask __arena *dst,
					 const struct scx_cmask __arena *src)
{
	cmask_op(dst, src, BPF_CMASK_OP_ANDNOT);
}

/* __cmask_nr_used_words - words of @m that hold its range, 0 if empty. */
static __always_inline u32 __cmask_nr_used_words(const struct scx_cmask __arena *m)
{
	if (!m->nr_cids)
		return 0;
	return (__cmask_end(m) - 1) / 64 - m->base / 64 + 1;
}

/*
 * cmask_equal - do @a and @b have the same range and the same cids set?
 * Masks of different ranges are never equal.
 */
static __always_inline bool cmask_equal(const struct scx_cmask __arena *a,
					const struct scx_cmask __arena *b)
{
	u32 nr_words, i;

	if (a->base != b->base || a->nr_cids != b->nr_cids)
		return false;
	nr_words = __cmask_nr_used_words(a);
	bpf_for(i, 0, CMASK_MAX_WORDS) {
		if (i >= nr_words)
			break;
		if (a->bits[i] != b->bits[i])
			return false;
	}
	return true;
}

/* cmask_weight - how many cids of @m are set. */
static __always_inline u32 cmask_weight(const struct scx_cmask __arena *m)
{
	u32 nr_words = __cmask_nr_used_words(m), i, n = 0;

	/* the padding is zero, so whole words can be counted */
	bpf_for(i, 0, CMASK_MAX_WORDS) {
		if (i >= nr_words)
			break;
		n += __builtin_popcountll(m->bits[i]);
	}
	return n;
}

/* cmask_intersects - is some cid set in both @a and @b? */
static __always_inline bool cmask_intersects(const struct scx_cmask __arena *a,
					     const struct scx_cmask __arena *b)
{
	u32 lo = __cmask_max(a->base, b->base);
	u32 hi = __cmask_min(__cmask_end(a), __cmask_end(b));
	u32 i, aw;

	if (lo >= hi)
		return false;
	bpf_for(i, 0, CMASK_MAX_WORDS) {
		aw = lo / 64 + i;
		if (aw > (hi - 1) / 64)
			break;
		if (*__cmask_aword(a, aw) & *__cmask_aword(b, aw) &
		    __cmask_window_bits(aw, lo, hi))
			return true;
	}
	return false;
}

/*
 * Searches
 *
 * __cmask_find - the first cid at or after @start set in @a and, if they
 * are not NULL, in @b and @c: only cids that all of them cover count.
 * Returns @a's end (base + nr_cids) if there is none.  Callers pass NULL
 * as constants, so the compiler drops the unused masks.
 */
static __always_inline u32 __cmask_find(const struct scx_cmask __arena *a,
					const struct scx_cmask __arena *b,
					const struct scx_cmask __arena *c,
					u32 start)
{
	u32 none = __cmask_end(a), lo = a->base, hi = none;
	u32 i, aw;
	u64 word;

	if (b) {
		lo = __cmask_max(lo, b->base);
		hi = __cmask_min(hi, __cmask_end(b));
	}
	if (c) {
		lo = __cmask_max(lo, c->base);
		hi = __cmask_min(hi, __cmask_end(c));
	}
	start = __cmask_max(start, lo);
	if (start >= hi)
		return none;

	bpf_for(i, 0, CMASK_MAX_WORDS) {
		aw = start / 64 + i;
		if (aw > (hi - 1) / 64)
			break;
		word = *__cmask_aword(a, aw);
		if (b)
			word &= *__cmask_aword(b, aw);
		if (c)
			word &= *__cmask_aword(c, aw);
		/* in the first word, only the bits from @start on */
		if (!i)
			word &= GENMASK_U64(63, start % 64);
		if (word) {
			u32 cid = aw * 64 + ctzll(word);

			return cid < hi ? cid : none;
		}
	}
	return none;
}

/*
 * __cmask_find_wrap - __cmask_find() from @start to the end of @a, then
 * from @a's base up to @start: the round-robin search, given the last
 * cid picked plus one.  @a's end if there is no cid at all.
 */
static __always_inline u32 __cmask_find_wrap(const struct scx_cmask __arena *a,
					     const struct scx_cmask __arena *b,
					     const struct scx_cmask __arena *c,
					     u32 start)
{
	u32 none = __cmask_end(a), cid;

	cid = __cmask_find(a, b, c, start);
	if (cid != none || start <= a->base)
		return cid;
	cid = __cmask_find(a, b, c, a->base);
	return cid < start ? cid : none;
}

/*
 * cmask_next_set - the first cid set in @m at or after @cid; @m's end
 * (base + nr_cids) if none.
 */
static __always_inline u32 cmask_next_set(const struct scx_cmask __arena *m,
					  u32 cid)
{
	return __cmask_find(m, NULL, NULL, cid);
}

/* cmask_first_set - @m's first set cid; @m's end if none. */
static __always_inline u32 cmask_first_set(const struct scx_cmask __arena *m)
{
	return __cmask_find(m, NULL, NULL, m->base);
}

/* cmask_for_each - loop with u32 @cid over the set cids of @m, in order. */
#define cmask_for_each(cid, m)							\
	for ((cid) = cmask_first_set(m); (cid) < __cmask_end(m);		\
	     (cid) = cmask_next_set((m), (cid) + 1))

/*
 * cmask_next_and_set - the first cid at or after @start set in both @a and
 * @b; @a's end if none.
 */
static __always_inline u32 cmask_next_and_set(const struct scx_cmask __arena *a,
					      const struct scx_cmask __arena *b,
					      u32 start)
{
	return __cmask_find(a, b, NULL, start);
}

/* cmask_next_and2_set - the same for a cid set in all of @a, @b and @c. */
static __always_inline u32 cmask_next_and2_set(const struct scx_cmask __arena *a,
					       const struct scx_cmask __arena *b,
					       const struct scx_cmask __arena *c,
					       u32 start)
{
	return __cmask_find(a, b, c, start);
}

/*
 * cmask_next_set_wrap, cmask_next_and_set_wrap, cmask_next_and2_set_wrap -
 * the round-robin forms of the three searches above: from @start on, then
 * from the base of the first mask; its end if nothing is set.
 */
static __always_inline u32 cmask_next_set_wrap(const struct scx_cmask __arena *m,
					       u32 start)
{
	return __cmask_find_wrap(m, NULL, NULL, start);
}

static __always_inline u32
cmask_next_and_set_wrap(const struct scx_cmask __arena *a,
			const struct scx_cmask __arena *b, u32 start)
{
	return __cmask_find_wrap(a, b, NULL, start);
}

static __always_inline u32
cmask_next_and2_set_wrap(const struct scx_cmask __arena *a,
			 const struct scx_cmask __arena *b,
			 const struct scx_cmask __arena *c, u32 start)
{
	return __cmask_find_wrap(a, b, c, start);
}

/*
 * cmask_subset - is every cid set in @a also set in @b?  A cid of @a
 * outside @b's range is not in @b, so it must not be set.
 */
static __always_inline bool cmask_subset(const struct scx_cmask __arena *a,
					 const struct scx_cmask __arena *b)
{
	u32 a_end = __cmask_end(a), b_end = __cmask_end(b);
	u32 lo = __cmask_max(a->base, b->base), hi = __cmask_min(a_end, b_end);
	u32 i, aw;

	/* set cids of @a below @b's base, or from @b's end on */
	if (__cmask_find(a, NULL, NULL, a->base) < __cmask_min(b->base, a_end))
		return false;
	if (__cmask_find(a, NULL, NULL, b_end) < a_end)
		return false;

	/*
	 * In the overlap, whole words can be compared: @a has nothing set
	 * outside it (checked above) and the padding of both is zero.
	 */
	if (lo >= hi)
		return true;
	bpf_for(i, 0, CMASK_MAX_WORDS) {
		aw = lo / 64 + i;
		if (aw > (hi - 1) / 64)
			break;
		if (*__cmask_aword(a, aw) & ~*__cmask_aword(b, aw))
			return false;
	}
	return true;
}

/*
 * cmask_from_cpumask - set in @m, after clearing it, the cid of each CPU
 * of @cpumask (scx_bpf_cpu_to_cid()); cids outside @m's range are dropped.
 * @cpumask must not change meanwhile (e.g. a task's, under RCU).
 */
static __always_inline void cmask_from_cpumask(struct scx_cmask __arena *m,
					       const struct cpumask *cpumask)
{
	u32 nr_cpu_ids = scx_bpf_nr_cpu_ids();
	s32 cpu, cid;

	cmask_zero(m);
	bpf_for(cpu, 0, nr_cpu_ids) {
		if (!bpf_cpumask_test_cpu(cpu, cpumask))
			continue;
		cid = scx_bpf_cpu_to_cid(cpu);
		if (cid >= 0)
			__cmask_set(cid, m);
	}
}

#endif /* __SCX_CID_BPF_H */
