package dev.faultline.report;

import java.util.Locale;
import java.util.Optional;

/** The formats an incident report (analyze, attach, run) can be written in: the one list of them. */
public enum ReportFormat {
    TEXT, JSON, MARKDOWN;

    /** The --format help text; it names every constant above. */
    public static final String DESCRIPTION = "text (default), json, or markdown (a postmortem draft: docs/postmortem.md)";

    /** The name as given on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code name} (lower case, as --format takes it), or empty. */
    public static Optional<ReportFormat> of(String name) {
        for (ReportFormat f : values()) {
            if (f.label().equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** "text, json or markdown", for an error message. */
    public static String choices() {
        StringBuilder sb = new StringBuilder();
        ReportFormat[] all = values();
        for (int i = 0; i < all.length; i++) {
            sb.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(all[i].label());
        }
        return sb.toString();
    }
}
