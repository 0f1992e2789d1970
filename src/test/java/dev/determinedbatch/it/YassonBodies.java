package dev.determinedbatch.it;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyVisibilityStrategy;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JSON-B client's binding for a JAX-RS client: JSON bodies through Yasson with a given
 * {@code Jsonb}, as RESTEasy's JSON-B provider binds them (RESTEasy 7, the tests' client, has none
 * of its own). Counts what it read, so that a test knows it was this binding.
 */
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
final class YassonBodies implements MessageBodyReader<Object>, MessageBodyWriter<Object> {

    private final Jsonb jsonb;
    private final AtomicInteger reads = new AtomicInteger();

    YassonBodies(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    /**
     * The binding the README gives a JSON-B client of the API: every instance field visible, so that
     * JBeret's entities with getters only ({@code JobEntity}, {@code JobInstanceEntity}) are filled
     * as they declare themselves, by field; public methods as JSON-B's default.
     */
    static Jsonb jberetEntityFields() {
        return JsonbBuilder.create(new JsonbConfig().withPropertyVisibilityStrategy(new PropertyVisibilityStrategy() {
            @Override
            public boolean isVisible(Field field) {
                return !Modifier.isStatic(field.getModifiers());
            }

            @Override
            public boolean isVisible(Method method) {
                return Modifier.isPublic(method.getModifiers());
            }
        }));
    }

    int reads() {
        return reads.get();
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return mediaType.isCompatible(MediaType.APPLICATION_JSON_TYPE);
    }

    @Override
    public Object readFrom(Class<Object> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> headers, InputStream body) {
        reads.incrementAndGet();
        return jsonb.fromJson(body, genericType);
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return mediaType.isCompatible(MediaType.APPLICATION_JSON_TYPE);
    }

    @Override
    public void writeTo(Object value, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream body) {
        jsonb.toJson(value, genericType, body);
    }
}
