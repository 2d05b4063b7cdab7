/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF side of BPF arenas (BPF_MAP_TYPE_ARENA, v6.9): memory shared between
 * a BPF program and its loader, addressed through pointers in address
 * space 1.  Also the may_goto loop breakers (can_loop, cond_break) that
 * arena code uses for loops the verifier cannot bound.
 *
 * common.bpf.h includes this; a scheduler header may include it again.
 *
 * Copyright (c) 2026 The scx_flash authors
 */
#ifndef __SCX_BPF_ARENA_COMMON_BPF_H
#define __SCX_BPF_ARENA_COMMON_BPF_H

/* Page size of the running kernel, as its BTF has it (enum page_size_enum). */
#ifndef PAGE_SIZE
#define PAGE_SIZE		__PAGE_SIZE
#endif

#if defined(__BPF_FEATURE_ADDR_SPACE_CAST) && !defined(BPF_ARENA_FORCE_ASM)

/*
 * clang 18 and later know address space 1 and convert arena pointers to
 * and from kernel pointers by themselves.
 */

/* __arena - marks a pointer type as pointing into the arena. */
#ifndef __arena
#define __arena			__attribute__((address_space(1)))
#endif
/* __arena_global - places a global variable in the arena. */
#define __arena_global		__attribute__((address_space(1)))
/* cast_kern, cast_user - explicit conversions, not needed with this clang. */
#define cast_kern(ptr)
#define cast_user(ptr)

#else /* !__BPF_FEATURE_ADDR_SPACE_CAST || BPF_ARENA_FORCE_ASM */

/*
 * Older clang: arena pointers are plain pointers, arena globals go to the
 * ".addr_space.1" section that libbpf maps into the arena, and code must
 * convert pointers itself with cast_kern() (to dereference one) and
 * cast_user() (to store one where the loader reads it).
 */
#define __arena
#define __arena_global		SEC(".addr_space.1")

/*
 * bpf_addr_space_cast - convert register variable @var from address space
 * @src_as to @dst_as in place
 *
 * Emits the instruction by hand, for assemblers without its mnemonic: a
 * 64-bit register move (opcode 0xbf) of @var onto itself whose offset field
 * is BPF_ADDR_SPACE_CAST and whose immediate is (@dst_as << 16) | @src_as.
 * The .irp loop finds which register the compiler chose for @var and
 * writes it as both source and destination.
 */
#ifndef bpf_addr_space_cast
#define bpf_addr_space_cast(var, dst_as, src_as)				\
({										\
	asm volatile(".byte 0xbf\n\t"						\
		     ".irp __r,0,1,2,3,4,5,6,7,8,9\n\t"				\
		     ".ifc %[reg], r\\__r\n\t"					\
		     ".byte (\\__r << 4) | \\__r\n\t"				\
		     ".endif\n\t"						\
		     ".endr\n\t"						\
		     ".short %[off]\n\t"					\
		     ".long %[as]"						\
		     : [reg] "+r"(var)						\
		     : [off] "i"(BPF_ADDR_SPACE_CAST),				\
		       [as] "i"(((dst_as) << 16) | (src_as)));			\
})
#endif

#define cast_kern(ptr)		bpf_addr_space_cast(ptr, 0, 1)
#define cast_user(ptr)		bpf_addr_space_cast(ptr, 1, 0)

#endif /* __BPF_FEATURE_ADDR_SPACE_CAST && !BPF_ARENA_FORCE_ASM */

/*
 * Arena kfuncs: allocate @page_cnt pages at @addr (NULL: anywhere) on NUMA
 * node @node_id (v6.9), free them (v6.9), reserve a range so that
 * allocations skip it (v6.17), and the number of pages of arena map @p__map
 * populated so far (v7.x, after v7.0).
 */
void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr,
				    __u32 page_cnt, int node_id,
				    __u64 flags) __ksym __weak;
void bpf_arena_free_pages(void *map, void __arena *ptr,
			  __u32 page_cnt) __ksym __weak;
int bpf_arena_reserve_pages(void *map, void __arena *ptr,
			    __u32 page_cnt) __ksym __weak;
ssize_t bpf_arena_mapping_nr_pages(void *p__map) __ksym __weak;

/* Disable and enable preemption around a short section (v6.10). */
void bpf_preempt_disable(void) __ksym __weak;
void bpf_preempt_enable(void) __ksym __weak;

/*
 * may_goto (v6.9) is a conditional jump that is not taken a bounded
 * number of times and then is; a loop that checks it may run unbounded in
 * the verifier's eyes.  __bpf_may_goto(label) emits it, jumping to @label
 * once the budget is spent.
 */
#ifdef __BPF_FEATURE_MAY_GOTO
#define __bpf_may_goto(label)							\
({										\
	asm volatile goto("may_goto %l[" #label "]" :::: label);		\
})
#else
/*
 * Older clang: the instruction by hand.  Its first 32-bit word holds the
 * opcode 0xe5 (BPF_JMP | BPF_JCOND), no registers and the jump distance in
 * instructions as a 16-bit offset; the second word, the immediate, is 0.
 * The offset is the upper half of the first word in memory order: its high
 * bits on a little-endian target, its low bits on a big-endian one.
 */
#define __BPF_MAY_GOTO_OFF(l)	"(((" l " - 1b - 8) / 8) & 0xffff)"
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define __BPF_MAY_GOTO_WORD(l)	"(0xe5 | (" __BPF_MAY_GOTO_OFF(l) " << 16))"
#else
#define __BPF_MAY_GOTO_WORD(l)	"((0xe5 << 24) | " __BPF_MAY_GOTO_OFF(l) ")"
#endif
#define __bpf_may_goto(label)							\
({										\
	asm volatile goto("1: .long "						\
			  __BPF_MAY_GOTO_WORD("%l[" #label "]")			\
			  "\n\t.long 0" :::: label);				\
})
#endif /* __BPF_FEATURE_MAY_GOTO */

#ifdef SCX_BPF_UNITTEST
/* Built as plain C for unit tests: loops are never cut short. */
#define can_loop		true
#define __cond_break(expr)	expr
#else
/*
 * can_loop - true until the verifier's may_goto budget is spent; use it as
 * (part of) a loop condition: while (cond && can_loop) { ... }.
 */
#define can_loop								\
({										\
	__label__ __cl_stop, __cl_done;						\
	bool __cl_ok = true;							\
										\
	__bpf_may_goto(__cl_stop);						\
	goto __cl_done;								\
__cl_stop:									\
	__cl_ok = false;							\
__cl_done:									\
	__cl_ok;								\
})

/*
 * __cond_break - run statement @expr (break, goto ...) once the may_goto
 * budget is spent.
 */
#define __cond_break(expr)							\
({										\
	__label__ __cb_stop, __cb_done;						\
										\
	__bpf_may_goto(__cb_stop);						\
	goto __cb_done;								\
__cb_stop:									\
	expr;									\
__cb_done:;									\
})
#endif /* SCX_BPF_UNITTEST */

/* cond_break - leave the enclosing loop or switch once the budget is spent. */
#define cond_break		__cond_break(break)
/* cond_break_label - goto @label once the budget is spent. */
#define cond_break_label(label)	__cond_break(goto label)

#endif /* __SCX_BPF_ARENA_COMMON_BPF_H */
