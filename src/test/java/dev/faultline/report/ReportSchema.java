package dev.faultline.report;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.faultline.Cli;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** The published JSON Schema of the analyze/attach/run report (docs/faultline-report.schema.json), loaded once. */
public final class ReportSchema {
    private static Schema schema;

    private ReportSchema() {
    }

    /** The schema's complaints about {@code json}; empty when it is a valid report. */
    public static synchronized List<Error> errors(String json) {
        if (schema == null) {
            SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                    b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
            try (InputStream in = Files.newInputStream(Cli.repo().resolve("docs/faultline-report.schema.json"))) {
                schema = registry.getSchema(in, InputFormat.JSON);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return schema.validate(json, InputFormat.JSON);
    }
}
