#!/usr/bin/env bash
# Produces a REAL core dump of native/build/crashme (native/crashers/crashme.c) for the core tests.
#
#   native/make-core.sh MODE OUTDIR
#
# MODE is a crashme mode (deadbeef nullmember thread3of5 inlib libc-from-lib abort stackoverflow
# reraise reraise-mt reraise-mt-linger bigcore). OUTDIR is created if needed. Afterwards OUTDIR holds exactly:
#   OUTDIR/core             the core file
#   OUTDIR/crashme.stderr   crashme's stderr; its line starting "crashme: mode=" is
#                           "crashme: mode=MODE pid=PID tid=TID addr=ADDR|- func=FUNC"
#                           (abort mode adds glibc's assertion message after it)
# Any OUTDIR/core and OUTDIR/crashme.stderr from an earlier run are replaced; nothing else in
# OUTDIR is touched, and nothing else is left there.
# Stdout: exactly one line saying how the core was made, e.g.
#   make-core: kernel core via core_pattern 'core' -> /tmp/x/core
#   make-core: gdb gcore (core_pattern '|/usr/lib/systemd/systemd-coredump ...' is a pipe handler) -> /tmp/x/core
#
# How:
# 1. Kernel core (preferred). /proc/sys/kernel/core_pattern is read (never changed). When it is a
#    plain relative file name (no leading '|', no '/'; %-specifiers allowed, e.g. core, core.%p,
#    core.%e.%t) the kernel writes the core into the crashing process's cwd: crashme runs with
#    `ulimit -c unlimited` and OUTDIR as cwd, and the new file matching the pattern (plus ".PID"
#    when core_uses_pid=1 and there is no %p) is renamed to OUTDIR/core.
# 2. Otherwise (pipe handler such as systemd-coredump/apport, an absolute path, RLIMIT_CORE hard
#    limit 0, or the kernel wrote nothing) and gdb is installed: crashme runs under gdb, which stops
#    at the fatal signal without passing it, and `gcore OUTDIR/core` writes the core:
#      gdb -q -batch -nx -ex 'set pagination off' -ex 'handle SIGSEGV stop nopass'
#          -ex 'handle SIGABRT stop nopass' -ex 'run MODE 2>OUTDIR/crashme.stderr'
#          -ex 'gcore OUTDIR/core' crashme
#    (the arguments go on `run`, which replaces --args, so that stderr can be redirected there)
#    reraise/reraise-mt: SIGSEGV is handled `stop pass` and there is one `continue`: the first stop
#    is the real fault (SEGV_MAPERR at 0xdeadbeef); continuing passes it, so crashme's handler
#    runs, resets SIGSEGV to SIG_DFL and kill()s the process. That SIGSEGV stays blocked until the
#    handler returns and is delivered at rt_sigreturn, so gdb's second stop sees SI_USER with the
#    registers already restored to the faulting instruction and the stale rt_sigframe (with the
#    real siginfo) below the stack pointer: the same shape as the kernel's core, which is taken at
#    exactly that point. (A gcore at the first stop would instead show the real fault directly,
#    which is not what an httpd core looks like.) In reraise-mt the second stop may be in another
#    thread, as with the kernel.
#    gcore writes every page, zeros included; when fallocate(1) is available the zero runs are
#    punched out again (fallocate --dig-holes), so a bigcore stays sparse on disk.
#    gdb's notes are laid out differently from the kernel's: NT_PRPSINFO comes first, and every
#    thread has its own NT_SIGINFO after its NT_PRSTATUS/FPREGSET/X86_XSTATE (the signalled thread
#    first, with the real signal; the others SIGSTOP/SI_TKILL from gdb's all-stop), with AUXV and
#    FILE at the end. The kernel writes one NT_SIGINFO, in the dumping thread's group
#    (PRSTATUS PRPSINFO SIGINFO AUXV FILE FPREGSET X86_XSTATE, then PRSTATUS FPREGSET X86_XSTATE
#    per other thread).
# 3. Neither: exit 77 (the automake "skip" code) with one line on stderr saying why.
#
# Environment: CRASHME (default native/build/crashme; built with make when missing or stale),
# MAKE_CORE_METHOD=auto|kernel|gdb (default auto; kernel/gdb force one way, for testing this script),
# MAKE_CORE_TIMEOUT (seconds crashme may run, default 300).
# Exit: 0 core made; 64 usage; 77 no way to get a core here; 1 crashme did not crash as expected.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "make-core: $*" >&2; exit 1; }
skip() { echo "make-core: $*" >&2; exit 77; }

if [ $# -ne 2 ]; then
  echo "usage: make-core.sh MODE OUTDIR" >&2
  exit 64
fi
MODE=$1
case "$MODE" in
  deadbeef|nullmember|thread3of5|inlib|libc-from-lib|stackoverflow|reraise|reraise-mt|reraise-mt-linger|bigcore) SIG=SIGSEGV; WANT_RC=139 ;;
  abort) SIG=SIGABRT; WANT_RC=134 ;;
  *) echo "make-core: unknown mode '$MODE'" >&2; exit 64 ;;
esac
METHOD="${MAKE_CORE_METHOD:-auto}"
case "$METHOD" in auto|kernel|gdb) ;; *) echo "make-core: MAKE_CORE_METHOD must be auto, kernel or gdb" >&2; exit 64 ;; esac
TIMEOUT="${MAKE_CORE_TIMEOUT:-300}"

mkdir -p -- "$2"
OUT="$(cd -- "$2" && pwd)"
CORE="$OUT/core"
ERRF="$OUT/crashme.stderr"

# ---- crashme -----------------------------------------------------------------------------------
if [ -n "${CRASHME:-}" ]; then
  CRASHME="$(cd "$(dirname "$CRASHME")" && pwd)/$(basename "$CRASHME")"
else
  CRASHME="$here/build/crashme"
  if ! make -q -C "$here" build/crashme build/libcrashlib.so >/dev/null 2>&1; then
    make -s -C "$here" build/crashme build/libcrashlib.so >&2 || die "could not build $CRASHME"
  fi
fi
[ -x "$CRASHME" ] || die "no crashme at $CRASHME"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/make-core.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

rm -f -- "$CORE" "$ERRF"

# ---- 1. kernel core ----------------------------------------------------------------------------
PATTERN="$(cat /proc/sys/kernel/core_pattern 2>/dev/null || true)"
USES_PID="$(cat /proc/sys/kernel/core_uses_pid 2>/dev/null || echo 0)"
REASON=""   # why the kernel path was not used / did not work

# pattern_glob PATTERN -> a find -name glob for the file name the kernel will create
pattern_glob() {
  local p=$1 g="" c i has_pid=0
  for ((i = 0; i < ${#p}; i++)); do
    c=${p:i:1}
    if [ "$c" = % ] && [ $((i + 1)) -lt ${#p} ]; then
      i=$((i + 1))
      case "${p:i:1}" in
        %) g+=% ;;
        p) has_pid=1; g+='*' ;;
        *) g+='*' ;;
      esac
    else
      g+=$c
    fi
  done
  if [ "$has_pid" = 0 ] && [ "$USES_PID" != 0 ]; then g+='.*'; fi
  printf '%s\n' "$g"
}

if [ -z "$PATTERN" ]; then
  REASON="core_pattern is empty"
elif [ "${PATTERN:0:1}" = '|' ]; then
  REASON="core_pattern '$PATTERN' is a pipe handler"
elif [[ "$PATTERN" == */* ]]; then
  REASON="core_pattern '$PATTERN' is a path, not a plain file name in the cwd"
elif [ "$(ulimit -Hc)" = 0 ]; then
  REASON="the RLIMIT_CORE hard limit is 0"
fi
[ "$METHOD" = gdb ] && REASON="${REASON:-MAKE_CORE_METHOD=gdb}"

if [ -z "$REASON" ]; then
  GLOB="$(pattern_glob "$PATTERN")"
  # mtimes come from the coarse clock, which may lag `date` by a tick: 1 s of margin
  t0=$(($(date +%s) - 1))
  rc=0
  # The outer braces swallow bash's own "Segmentation fault (core dumped)" message, and timeout's
  # "the monitored command dumped core"; crashme's stderr goes to ERRF. bash -c execs crashme, so
  # the crashing process is named crashme (%e) and is a direct child of timeout.
  {
    (
      cd "$OUT"
      ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -Hc)"
      exec timeout -k 5 "$TIMEOUT" bash -c 'exec "$0" "$1" 2>"$2"' "$CRASHME" "$MODE" "$ERRF"
    ) </dev/null >/dev/null
  } 2>/dev/null || rc=$?
  [ "$rc" = "$WANT_RC" ] || die "crashme $MODE exited with status $rc, expected $WANT_RC ($SIG); stderr: $(head -c 300 "$ERRF" 2>/dev/null | tr '\n' ' ')"
  PID="$(sed -n 's/^crashme: mode=[^ ]* pid=\([0-9]*\) .*/\1/p' "$ERRF" | head -n 1)"
  mapfile -t found < <(find "$OUT" -maxdepth 1 -type f -name "$GLOB" ! -name crashme.stderr -newermt "@$t0" -printf '%f\n')
  got=""
  if [ "${#found[@]}" -eq 1 ]; then
    got=${found[0]}
  elif [ "${#found[@]}" -gt 1 ] && [ -n "$PID" ]; then
    for f in "${found[@]}"; do [[ "$f" == *"$PID"* ]] && { [ -z "$got" ] && got=$f || got="(ambiguous)"; }; done
    [ "$got" = "(ambiguous)" ] && got=""
  fi
  if [ -n "$got" ]; then
    [ "$OUT/$got" = "$CORE" ] || mv -f -- "$OUT/$got" "$CORE"
    echo "make-core: kernel core via core_pattern '$PATTERN' -> $CORE"
    exit 0
  fi
  if [ "${#found[@]}" -gt 1 ]; then
    die "several new files match core_pattern '$PATTERN' in $OUT: ${found[*]}"
  fi
  REASON="crashme died of $SIG but the kernel wrote no core matching '$GLOB' (core_pattern '$PATTERN') in $OUT"
  rm -f -- "$ERRF"
fi

# ---- 2. gdb gcore ------------------------------------------------------------------------------
if [ "$METHOD" = kernel ]; then
  skip "MAKE_CORE_METHOD=kernel but no kernel core: $REASON"
fi
if ! command -v gdb >/dev/null 2>&1; then
  skip "no core possible: $REASON, and gdb is not installed for gcore"
fi
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }   # single-quote for gdb's run (passed to /bin/sh)
GDB=(gdb -q -batch -nx
  -iex 'set debuginfod enabled off'
  -ex 'set pagination off' -ex 'set confirm off'
  -ex 'set disable-randomization off')
case "$MODE" in
  reraise|reraise-mt|reraise-mt-linger)
    GDB+=(-ex 'handle SIGSEGV stop print pass' -ex 'handle SIGABRT stop print nopass'
      -ex "run $MODE 2>$(sq "$ERRF")" -ex 'continue') ;;
  *)
    GDB+=(-ex 'handle SIGSEGV stop print nopass' -ex 'handle SIGABRT stop print nopass'
      -ex "run $MODE 2>$(sq "$ERRF")") ;;
esac
# the stop's si_code, printed as "RERAISE_CODE=N": a re-raise must be gcore'd at the process's own signal (<= 0)
GDB+=(-ex 'info threads' -ex 'printf "RERAISE_CODE=%d\n", $_siginfo.si_code' -ex "gcore $CORE" "$CRASHME")
case "$MODE" in reraise|reraise-mt|reraise-mt-linger) want_sig=2 ;; *) want_sig=1 ;; esac
# In reraise-mt, gdb's second stop is now and then the real fault again rather than the process-directed re-raise
# (which thread the kernel gives kill()'s signal to races with gdb's all-stop): such a run is made again.
for attempt in 1 2 3; do
  rm -f -- "$CORE"
  (cd "$OUT" && timeout -k 5 "$TIMEOUT" "${GDB[@]}") </dev/null >"$TMP/gdb.log" 2>&1 || true
  [ "$want_sig" = 2 ] || break
  code=$(sed -n 's/^RERAISE_CODE=\(-\{0,1\}[0-9]*\).*/\1/p' "$TMP/gdb.log" | tail -n 1)
  [ -n "$code" ] && [ "$code" -le 0 ] && break
  echo "make-core: gdb stopped at a kernel-generated $SIG (si_code ${code:-?}) instead of the re-raise; again ($attempt)" >&2
done
nsig=$(grep -c "received signal $SIG" "$TMP/gdb.log" || true)
if [ "$nsig" -lt "$want_sig" ] || [ ! -s "$CORE" ]; then
  rm -f -- "$CORE"
  die "gdb gcore failed ($REASON): $( (grep -E 'received signal|exited|rror|annot' "$TMP/gdb.log" || tail -n 2 "$TMP/gdb.log") | head -n 3 | tr '\n' ' ')"
fi
if command -v fallocate >/dev/null 2>&1; then fallocate --dig-holes "$CORE" 2>/dev/null || true; fi
echo "make-core: gdb gcore ($REASON) -> $CORE"
