package dev.faultline.capture.jna;

/** What {@code --version -v} says about JNA: its version, and whether its native library loads here. */
public final class JnaInfo {
    private JnaInfo() {
    }

    /** "JNA 5.15.0 (native 7.0.2, loaded)", or the reason it does not load (a noexec jna.tmpdir, say). */
    public static String describe() {
        String versions = "JNA " + com.sun.jna.Native.VERSION + " (native " + com.sun.jna.Native.VERSION_NATIVE;
        try {
            // the first use of Native unpacks and loads libjnidispatch; ptrace needs it
            com.sun.jna.Native.getNativeSize(Long.TYPE);
            return versions + ", loaded)";
        } catch (Throwable e) { // UnsatisfiedLinkError or the NoClassDefFoundError that follows it
            return versions + ", not loadable: " + e.getMessage() + ")";
        }
    }
}
