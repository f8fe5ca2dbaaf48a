package dev.faultline.httpd;

import java.util.List;
import java.util.Map;

/**
 * What a trace (or capture, or core) shows of how the server was started and configured.
 *
 * @param argv       the server's argv (an exec in the trace, /proc/PID/cmdline, a core's psargs), or null
 * @param configHint the first configuration file the server was seen reading (its main file), or null
 * @param fileTexts  configuration files the trace showed being read whole, by path: what the server really read
 */
public record ServerEvidence(List<String> argv, String configHint, Map<String, String> fileTexts) {
}
