/* libcrashlib.c - a tiny shared library for crashme.c (native/crashers/), so that core-dump
 * fixtures have a crash inside a shared object other than libc:
 *
 *   crashlib_parse_value()   writes through a NULL struct pointer at member offset 0x10
 *                            (SIGSEGV, SEGV_MAPERR, si_addr 0x10); pc inside libcrashlib.so.
 *   crashlib_measure_name()  calls strlen() on the bad pointer 0x40: the fault (si_addr 0x40)
 *                            is inside libc's strlen, called from libcrashlib.so.  0x40 is
 *                            64-byte aligned, so a vectorized strlen that aligns its pointer
 *                            down (to 16/32/64 bytes) still faults at exactly 0x40.
 *
 * Built by native/Makefile with -g -O0 -fno-omit-frame-pointer -fPIC -shared into
 * native/build/libcrashlib.so.  Both functions are global and noinline so that they stay in
 * .symtab/.dynsym under these names.
 */
#include <stddef.h>
#include <string.h>

struct crashlib_value {
    long key;      /* offset 0x00 */
    long length;   /* offset 0x08 */
    int slot;      /* offset 0x10 */
};

/* The record the parser would fill in: NULL, as if a lookup had failed. */
static struct crashlib_value *volatile crashlib_current = NULL;

/* Bad string pointer for crashlib_measure_name(): volatile so gcc neither folds nor warns. */
static const char *volatile crashlib_bad_name = (const char *)0x40;

__attribute__((noinline)) int crashlib_parse_value(const char *text)
{
    volatile struct crashlib_value *v = crashlib_current;
    v->slot = (int)(text != NULL ? text[0] : 0);   /* write to NULL + 0x10 */
    return v->slot;
}

__attribute__((noinline)) size_t crashlib_measure_name(void)
{
    const char *name = crashlib_bad_name;
    return strlen(name);                            /* faults in libc at 0x40 */
}
