package dev.onnxinspect.spark;

import dev.onnxinspect.OnnxInspectException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * What the {@code spark-submit} entry points ({@link SparkInspectMain}, {@link SparkAuditMain},
 * {@link SparkCheckpointsMain}) share: the Spark session around a run, one line on stderr for an error and the exit
 * statuses (0; 2 for a usage error; 3 for data, a model or an option value that does not fit; 4 for a file or path
 * that cannot be read or written; 1 otherwise), and the parsing of option values.
 */
final class SubmitCommand {
    /** A run on the session; returns the exit status. */
    @FunctionalInterface
    interface Job {
        int run(SparkSession spark) throws IOException;
    }

    private SubmitCommand() {}

    /** Ends the JVM with {@code status} unless it is 0 (a spark-submit driver's {@code main}). */
    static void exit(int status) {
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Collects the required options that were not given; {@link #check} refuses them all in one line. */
    static final class Required {
        private final List<String> missing = new ArrayList<>();

        /** Notes {@code option} (its name as the usage error shows it) as missing unless {@code given}. */
        Required option(String option, boolean given) {
            if (!given) {
                missing.add(option);
            }
            return this;
        }

        /**
         * @throws IllegalArgumentException naming every missing option
         */
        void check() {
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("missing " + String.join(", ", missing));
            }
        }
    }

    /** Prints a usage error and the usage; returns 2. */
    static int usageError(PrintStream err, String message, String usage) {
        err.println("usage error: " + message);
        err.println(usage);
        return 2;
    }

    /** Runs {@code job} on the (new or existing) session named {@code appName}, stopped afterwards. */
    static int run(String appName, PrintStream err, Job job) {
        SparkSession spark = SparkSession.builder().appName(appName).getOrCreate();
        try {
            return job.run(spark);
        } catch (OnnxInspectException e) {
            err.println("error: " + e.getMessage());
            return switch (e.kind()) {
                case INVALID_INPUT, UNSUPPORTED -> 3;
                case IO -> 4;
                case INTERNAL -> 1;
            };
        } catch (IOException e) {
            err.println("error: cannot read or write " + e.getMessage() + "; check the path and its permissions");
            return 4;
        } finally {
            spark.stop();
        }
    }

    /** A whole number of at least {@code min}. */
    static int count(String option, String v, int min) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw new IllegalArgumentException(option + " takes a whole number >= " + min + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number, got " + v, e);
        }
    }

    /** A finite number of at least 0. */
    static double real(String option, String v) {
        try {
            double x = Double.parseDouble(v);
            if (!Double.isFinite(x) || x < 0) {
                throw new IllegalArgumentException(option + " takes a finite number >= 0, got " + v);
            }
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, got " + v, e);
        }
    }

    /** A finite number of at least 0 as a float, rounded once (as {@link Float#parseFloat}). */
    static float real32(String option, String v) {
        real(option, v);
        return Float.parseFloat(v);
    }

    /** A sample shape {@code D1,D2,...} (each a whole number >= 0). */
    static long[] dims(String option, String v) {
        String[] parts = v.split(",", -1);
        long[] dims = new long[parts.length];
        for (int d = 0; d < parts.length; d++) {
            dims[d] = count(option, parts[d], 0);
        }
        return dims;
    }
}
