package io.busbar.bench;

import org.HdrHistogram.Histogram;

/**
 * What one connection saw during one run.
 *
 * @param latencyMicros round-trip latency of replies completed in the measured window, in µs
 * @param measured      replies completed in the measured window
 * @param completed     replies completed over the whole run (warm-up, window, drain)
 * @param errors        {@code err} frames, mismatched echoes, socket exceptions and unexpected closes
 * @param unanswered    requests still outstanding when the connection was closed
 * @param textFrames    WebSocket TEXT messages received
 * @param binaryFrames  WebSocket BINARY messages received
 * @param firstError    description of the first error, or null
 */
record ConnectionStats(Histogram latencyMicros, long measured, long completed, long errors, long unanswered,
                       long textFrames, long binaryFrames, String firstError) {
}
