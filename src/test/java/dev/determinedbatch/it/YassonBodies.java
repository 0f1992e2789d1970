package dev.determinedbatch.it;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JSON-B client's binding for a JAX-RS client: JSON bodies through Yasson with JSON-B's
 * defaults, as RESTEasy's JSON-B provider binds them (RESTEasy 7, the tests' client, has none of
 * its own). Counts what it read, so that a test knows it was this binding.
 */
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
final class YassonBodies implements MessageBodyReader<Object>, MessageBodyWriter<Object> {

    private final Jsonb jsonb = JsonbBuilder.create();
    private final AtomicInteger reads = new AtomicInteger();

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
