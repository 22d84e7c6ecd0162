package dev.onnxinspect.samples.cli;

import dev.onnxinspect.audit.AuditProgress;
import dev.onnxinspect.inspect.ProgressListener;

/** Progress listeners drawn as {@link ProgressBar}s on stderr, one per pass. */
final class ConsoleProgress implements AuditProgress {
    private final boolean quiet;

    ConsoleProgress(boolean quiet) {
        this.quiet = quiet;
    }

    @Override
    public ProgressListener start(String task, long total) {
        if (quiet) {
            return ProgressListener.none();
        }
        return new ProgressListener() {
            private ProgressBar bar;
            private long seen;

            @Override
            public void onProgress(long done, long samplesTotal) {
                if (bar == null) {
                    bar = new ProgressBar(task, samplesTotal > 0 ? samplesTotal : total);
                }
                bar.step(done - seen);
                seen = done;
                if (samplesTotal > 0 && done >= samplesTotal) {
                    bar.close();
                }
            }
        };
    }
}
