package dev.determinedbatch.api;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyVisibilityStrategy;
import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
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
 * leave out;</li>
 * <li>JBeret's REST entities ({@code org.jberet.rest.entity}) by their fields, as they declare
 * themselves ({@code @XmlAccessorType(FIELD)}), without those marked {@code @XmlTransient}: JSON-B's
 * default, public getters, also wrote a {@code JobExecutionEntity}'s {@code stepExecutions}, always
 * empty there (JBeret fills it nowhere; the steps are {@code /jobexecutions/{id}/stepexecutions}),
 * and would write a {@code StepExecutionEntity}'s {@code persistentUserData}. Every other property
 * of theirs has a getter of its field's name, so the rest of the JSON is the same.</li>
 * </ul>
 * What a client reads is its binding's business: Jackson reads every entity as written; JSON-B
 * with its defaults fills only properties with a public setter or field, so it leaves the fields
 * of {@code JobEntity} and {@code JobInstanceEntity} (getters only) at null and 0 whatever the
 * server writes. A JSON-B client gives its {@code Jsonb} field access to these entities, as
 * {@link #ENTITY_FIELDS} does (see the README, Job control over HTTP).
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
public class ApiJsonb implements ContextResolver<Jsonb> {

    static final DateTimeFormatter DATE_FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    /** JBeret's REST entities by their fields but {@code @XmlTransient}; everything else as JSON-B's default. */
    static final PropertyVisibilityStrategy ENTITY_FIELDS = new EntityFields();

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig()
            .withSerializers(new DateSerializer(), new PropertiesSerializer())
            .withPropertyVisibilityStrategy(ENTITY_FIELDS));

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

    /**
     * Fields, not getters, for the classes of {@code org.jberet.rest.entity} (static, transient and
     * {@code @XmlTransient} ones excepted, the annotation known by name: the API has no JAXB of its
     * own); JSON-B's default, public fields and methods, for every other class.
     */
    static final class EntityFields implements PropertyVisibilityStrategy {

        private static final String ENTITY_PACKAGE = "org.jberet.rest.entity";
        private static final String XML_TRANSIENT = "jakarta.xml.bind.annotation.XmlTransient";

        @Override
        public boolean isVisible(Field field) {
            if (!isEntity(field.getDeclaringClass())) {
                return Modifier.isPublic(field.getModifiers());
            }
            int modifiers = field.getModifiers();
            return !Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers) && !isXmlTransient(field);
        }

        @Override
        public boolean isVisible(Method method) {
            return !isEntity(method.getDeclaringClass()) && Modifier.isPublic(method.getModifiers());
        }

        private static boolean isEntity(Class<?> type) {
            return ENTITY_PACKAGE.equals(type.getPackageName());
        }

        private static boolean isXmlTransient(Field field) {
            for (Annotation annotation : field.getAnnotations()) {
                if (annotation.annotationType().getName().equals(XML_TRANSIENT)) {
                    return true;
                }
            }
            return false;
        }
    }
}
