package dev.onnxinspect.stats;

/**
 * A statistic would allocate more memory than its configured limit (SPEC §3: "must say the size before it
 * allocates more than a configured limit"). Thrown before anything is allocated; {@link #estimate()} gives the
 * size that was refused.
 */
public class MemoryLimitExceededException extends StatsException {
    private static final long serialVersionUID = 1L;

    private final transient MemoryEstimate estimate;

    public MemoryLimitExceededException(MemoryEstimate estimate, long limitBytes, String howToRestrict) {
        super(estimate.description() + " need " + MemoryEstimate.mib(estimate.bytes()) + " MiB (" + estimate.bytes()
                + " bytes), above the limit of " + MemoryEstimate.mib(limitBytes) + " MiB; " + howToRestrict);
        this.estimate = estimate;
    }

    /** The refused estimate. */
    public MemoryEstimate estimate() {
        return estimate;
    }
}
