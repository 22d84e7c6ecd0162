package dev.onnxinspect.samples.bench;

import static dev.onnxinspect.samples.bench.InspectionBenchmark.load;
import static dev.onnxinspect.samples.bench.InspectionBenchmark.out;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runnable benchmark (not a test) of the HTTP service's throughput: requests/s of {@code POST /predict} (one
 * Fashion-MNIST test image per request, 784 floats) from concurrent clients on loopback, against one or more running
 * services that serve the same model and guard, in turns within every repetition so that a change in the machine's
 * load hits all of them. Prints requests/s per service and repetition, mean and standard deviation, the ratio of each
 * service to the first per repetition (mean and standard deviation), and the load average next to every figure.
 *
 * <p>{@code scripts/bench-service.sh} starts the services (this build and, optionally, a baseline build) and runs
 * this. Modes:
 * <ul>
 *   <li>{@code --model-out FILE}: writes the demo-like MLP (784-256-128-10, ReLU, Xavier weights: throughput does not
 *   depend on training) and exits;</li>
 *   <li>{@code --urls NAME=URL,NAME=URL,...}: the services to compare (the first is the reference of the ratios);
 *   {@code --clients 8 --requests 3000 --reps 6 --warmup 500}.</li>
 * </ul>
 * Every answer must be 200; anything else ends the run with an error.
 */
public final class ServiceBenchmark {
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final List<String> bodies;
    private final int clients;

    private ServiceBenchmark(List<String> bodies, int clients) {
        this.bodies = bodies;
        this.clients = clients;
    }

    public static void main(String[] argv) throws Exception {
        InspectionBenchmark.Args args = new InspectionBenchmark.Args(argv);
        String modelOut = args.value("model-out", null);
        if (modelOut != null) {
            Files.write(Path.of(modelOut), BenchModel.mlp().original());
            out("wrote the demo-like MLP to %s", modelOut);
            return;
        }
        Map<String, URI> services = services(args.value("urls", null));
        int requests = args.integer("requests", 3000);
        int reps = args.integer("reps", 6);
        ServiceBenchmark bench = new ServiceBenchmark(bodies(200), args.integer("clients", 8));
        out(
                "POST /predict, one 784-float image per request, %d clients, %d requests per pass, %d reps; %d cores,"
                        + " load %s",
                bench.clients, requests, reps, Runtime.getRuntime().availableProcessors(), load());
        for (Map.Entry<String, URI> s : services.entrySet()) {
            bench.pass(s.getValue(), args.integer("warmup", 500));
        }
        List<String> names = new ArrayList<>(services.keySet());
        double[][] rps = new double[names.size()][reps];
        for (int r = 0; r < reps; r++) {
            StringBuilder line = new StringBuilder("rep " + (r + 1) + ":");
            for (int s = 0; s < names.size(); s++) {
                rps[s][r] = bench.pass(services.get(names.get(s)), requests);
                line.append(String.format(Locale.ROOT, "  %s %.0f req/s", names.get(s), rps[s][r]));
            }
            out("%s  (load %s)", line, load());
        }
        for (int s = 0; s < names.size(); s++) {
            out("%-10s %8.0f ± %.0f req/s", names.get(s), mean(rps[s]), sd(rps[s]));
        }
        for (int s = 1; s < names.size(); s++) {
            double[] ratio = new double[reps];
            for (int r = 0; r < reps; r++) {
                ratio[r] = rps[s][r] / rps[0][r];
            }
            out(
                    "%s / %s per repetition: %.3f ± %.3f (min %.3f, max %.3f); load %s",
                    names.get(s),
                    names.get(0),
                    mean(ratio),
                    sd(ratio),
                    Arrays.stream(ratio).min().orElse(Double.NaN),
                    Arrays.stream(ratio).max().orElse(Double.NaN),
                    load());
        }
    }

    private static Map<String, URI> services(String spec) {
        if (spec == null) {
            throw new OnnxInspectException("give --urls NAME=URL[,NAME=URL...] (running services) or --model-out FILE");
        }
        Map<String, URI> services = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new OnnxInspectException("--urls part '" + part + "' is not NAME=URL");
            }
            services.put(
                    part.substring(0, eq), URI.create(part.substring(eq + 1)).resolve("/predict"));
        }
        return services;
    }

    /** {@code {"input": [...]}} of the first {@code n} Fashion-MNIST test images (floats in [0, 1]). */
    private static List<String> bodies(int n) {
        InMemoryDataset test = FashionMnist.test();
        List<String> bodies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder("{\"input\":[");
            float[] x = test.sample(i);
            for (int j = 0; j < x.length; j++) {
                b.append(j == 0 ? "" : ",").append(x[j]);
            }
            bodies.add(b.append("]}").toString());
        }
        return bodies;
    }

    /** Sends {@code requests} requests from the clients; requests/s over the pass. */
    private double pass(URI predict, int requests) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        send(predict, bodies.get(i % bodies.size()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return requests / ((System.nanoTime() - start) / 1e9);
    }

    private void send(URI predict, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(predict)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new OnnxInspectException(predict + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Sample standard deviation (n - 1). */
    private static double sd(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
