package dev.faultline.capture.jna;

import com.sun.jna.Structure;

/**
 * {@code siginfo_t} (128 bytes on 64-bit Linux). After the three ints and padding comes a union at offset 16:
 * si_addr for faults (si_code > 0), or si_pid @16 and si_uid @20 for kill/tgkill (si_code <= 0), and
 * si_status @24 for SIGCHLD.
 */
@Structure.FieldOrder({"si_signo", "si_errno", "si_code", "pad", "union"})
public class SigInfo extends Structure {
    public int si_signo;
    public int si_errno;
    public int si_code;
    public int pad;
    public long[] union = new long[14];

    public static final int SIZE;
    public static final int SIGNO;
    public static final int CODE;
    public static final int ERRNO;
    public static final int UNION;

    static {
        SigInfo layout = new SigInfo();
        SIZE = layout.size();
        SIGNO = layout.fieldOffset("si_signo");
        CODE = layout.fieldOffset("si_code");
        ERRNO = layout.fieldOffset("si_errno");
        UNION = layout.fieldOffset("union");
    }

    public static int offsetOf(String field) {
        return new SigInfo().fieldOffset(field);
    }
}
