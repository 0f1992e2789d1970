package dev.determinedbatch.api;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The JSON binding of the API's answers: JSON-B's defaults, but
 * <ul>
 * <li>a {@link Date} (the times of JBeret's execution entities) as ISO-8601 in UTC with
 * milliseconds, {@code 2026-12-04T14:37:52.553Z}. JSON-B's default for a {@code Date} appends the
 * zone id ({@code ...Z[UTC]}), which JSON-B clients read but Jackson, the binding JBeret's own
 * samples give {@code org.jberet.rest.client.BatchClient}, does not; both read this form;</li>
 * <li>{@link Properties} (an execution's job parameters) as the string properties that JBeret
 * stores and the job reads, by name, defaults included: JBeret holds a restart's parameters as
 * the restart's own over the original's as defaults, which JSON-B, seeing a {@code Map}, would
 * leave out.</li>
 * </ul>
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
public class ApiJsonb implements ContextResolver<Jsonb> {

    static final DateTimeFormatter DATE_FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig()
            .withSerializers(new DateSerializer(), new PropertiesSerializer()));

    @Override
    public Jsonb getContext(Class<?> type) {
        return jsonb;
    }

    /** A {@code Date}, or a subclass such as the {@code java.sql.Timestamp} of JBeret's JDBC repository. */
    static final class DateSerializer implements JsonbSerializer<Date> {
        @Override
        public void serialize(Date date, JsonGenerator generator, SerializationContext context) {
            generator.write(DATE_FORMAT.format(Instant.ofEpochMilli(date.getTime()))); // java.sql.Date has no toInstant
        }
    }

    /** Every string property, defaults included, sorted by name. */
    static final class PropertiesSerializer implements JsonbSerializer<Properties> {
        @Override
        public void serialize(Properties properties, JsonGenerator generator, SerializationContext context) {
            generator.writeStartObject();
            for (String name : new TreeSet<>(properties.stringPropertyNames())) {
                generator.write(name, properties.getProperty(name));
            }
            generator.writeEnd();
        }
    }
}
