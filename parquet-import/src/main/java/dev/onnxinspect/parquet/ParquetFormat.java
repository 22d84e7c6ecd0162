package dev.onnxinspect.parquet;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.arrow.columns.ArrowColumns;
import dev.onnxinspect.arrow.columns.ArrowTable;
import dev.onnxinspect.data.DataFormat;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.LabelMapping;
import dev.onnxinspect.data.TableReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.duckdb.DuckDBResultSet;

/**
 * Parquet files ({@code .parquet}), their columns feeding inputs by name as {@link ArrowColumns} describes, read by
 * DuckDB (an in-process database, through its JDBC driver) and streamed as Arrow record batches through Arrow's C
 * data interface. Written by pandas ({@code to_parquet}), pyarrow ({@code pq.write_table}), polars
 * ({@code write_parquet}), Spark and DuckDB; any codec DuckDB reads (snappy, gzip, zstd, lz4, brotli).
 *
 * <p>How Parquet's types arrive: a list column (Parquet has no fixed-size list) as a List, padded per batch unless
 * the input's sample shape is declared ({@link InputMapping#withSampleShape}, or taken from the model by
 * {@link dev.onnxinspect.data.DataSpec#fitTo}); an {@code arrow.fixed_shape_tensor} written by pyarrow also as a
 * List (DuckDB does not read pyarrow's schema metadata): declare its shape. Numbers, bools and integer labels as in
 * Arrow files.
 *
 * <p>Memory. Choice, measured on the project's 2-core machine (10^6 rows of 784 float32 pixels, 16-32 int64 tokens
 * and a label, 75 MB of Parquet): with streamed results ({@code jdbc_stream_results}) and one DuckDB thread the
 * process stayed at 300-330 MB resident from the first to the last row (60,000 rows/s); DuckDB's default,
 * materialised results, grew to 3.8 GB before the first batch; two threads read at half the speed (32,000 rows/s)
 * on two busy cores. So each table is one in-memory DuckDB database with {@code threads=1},
 * {@code memory_limit=512MB}, streamed results and insertion order preserved (row i of the file is sample i);
 * each pass runs its own query on a duplicate connection and reads record batches of {@value #BATCH_ROWS} rows.
 *
 * <p>Each table owns its database connection and a {@link RootAllocator}, closed with it.
 */
public final class ParquetFormat implements DataFormat {
    /** The rows DuckDB puts in one Arrow record batch. */
    public static final int BATCH_ROWS = 4096;

    @Override
    public String name() {
        return "Parquet .parquet";
    }

    @Override
    public boolean reads(Path file) {
        Path name = file.getFileName();
        return name != null
                && name.toString().toLowerCase(Locale.ROOT).endsWith(".parquet")
                && !Files.isDirectory(file);
    }

    @Override
    public TableReader open(Path file, List<InputMapping> inputs, LabelMapping labels) throws IOException {
        String path = file.toAbsolutePath().toString();
        if (path.contains("*") || path.contains("?") || path.contains("[")) {
            throw new DatasetException("cannot read " + file + ": DuckDB takes *, ? and [ in a Parquet path as a"
                    + " pattern; rename the file without them");
        }
        // a damaged footer can make DuckDB allocate gigabytes before it fails: checked first
        ParquetFooter.check(file);
        String table = "read_parquet('" + path.replace("'", "''") + "')";
        BufferAllocator allocator = new RootAllocator();
        DuckDBConnection connection = null;
        try {
            connection = connect();
            Schema schema;
            long rows;
            try (Statement s = connection.createStatement()) {
                try (DuckDBResultSet rs = (DuckDBResultSet) s.executeQuery("SELECT * FROM " + table + " LIMIT 0");
                        ArrowReader reader = (ArrowReader) rs.arrowExportStream(allocator, BATCH_ROWS)) {
                    schema = reader.getVectorSchemaRoot().getSchema();
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    rows = rs.getLong(1);
                }
            } catch (SQLException | RuntimeException e) {
                if (e instanceof OnnxInspectException refusal) {
                    throw refusal;
                }
                throw new DatasetException(
                        file + " is not a Parquet file DuckDB can read (" + firstLine(e) + "); write"
                                + " it with pandas to_parquet, pyarrow.parquet.write_table or polars write_parquet",
                        e);
            }
            ArrowColumns columns = ArrowColumns.plan(file, schema, inputs, labels);
            String query = "SELECT " + select(inputs, labels) + " FROM " + table;
            DuckDBConnection owner = connection;
            AutoCloseable owned = () -> {
                try (allocator) {
                    owner.close();
                }
            };
            return new ArrowTable(file, rows, columns, () -> stream(file, owner, query, allocator), owned);
        } catch (SQLException e) {
            close(connection, allocator, e);
            throw new IOException("cannot start DuckDB to read " + file + ": " + firstLine(e), e);
        } catch (IOException | RuntimeException e) {
            close(connection, allocator, e);
            throw e;
        }
    }

    private static DuckDBConnection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, "true");
        p.setProperty("threads", "1");
        p.setProperty("memory_limit", "512MB");
        p.setProperty("preserve_insertion_order", "true");
        return (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", p);
    }

    private static void close(DuckDBConnection connection, BufferAllocator allocator, Exception failure) {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
        allocator.close();
    }

    /** The distinct columns read, quoted. */
    private static String select(List<InputMapping> inputs, LabelMapping labels) {
        Set<String> columns = new LinkedHashSet<>();
        inputs.forEach(m -> columns.addAll(m.columns()));
        if (labels != null) {
            columns.add(labels.column());
        }
        StringBuilder s = new StringBuilder();
        for (String c : columns) {
            s.append(s.length() == 0 ? "" : ", ")
                    .append('"')
                    .append(c.replace("\"", "\"\""))
                    .append('"');
        }
        return s.toString();
    }

    private static ArrowTable.BatchStream stream(
            Path file, DuckDBConnection connection, String query, BufferAllocator allocator) throws IOException {
        DuckDBConnection pass = null;
        Statement statement = null;
        DuckDBResultSet results = null;
        try {
            pass = connection.duplicate();
            statement = pass.createStatement();
            results = (DuckDBResultSet) statement.executeQuery(query);
            ArrowReader reader = (ArrowReader) results.arrowExportStream(allocator, BATCH_ROWS);
            DuckDBConnection c = pass;
            Statement st = statement;
            DuckDBResultSet rs = results;
            return new ArrowTable.BatchStream() {
                @Override
                public ArrowReader reader() {
                    return reader;
                }

                @Override
                public void close() throws IOException {
                    try (c;
                            st;
                            rs;
                            reader) {
                        // closed in reverse order: the reader, the results, the statement, the connection
                    } catch (SQLException e) {
                        throw new IOException("cannot close the DuckDB query on " + file, e);
                    }
                }
            };
        } catch (SQLException | RuntimeException e) {
            // the file changed since it was opened, or DuckDB fails on a damaged part of it (DuckDB's JDBC driver
            // has thrown ArrayIndexOutOfBoundsException for a damaged file): a refusal naming the file
            OnnxInspectException failure = DatasetException.damaged(file, e);
            for (AutoCloseable r : new AutoCloseable[] {results, statement, pass}) {
                try {
                    if (r != null) {
                        r.close();
                    }
                } catch (Exception suppressed) {
                    failure.addSuppressed(suppressed);
                }
            }
            throw failure;
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int newline = m.indexOf('\n');
        return newline < 0 ? m : m.substring(0, newline);
    }
}
