package dev.determinedbatch.storage.s3;

import dev.determinedbatch.storage.StorageSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server (S3Proxy) on 127.0.0.1 with a free port, storing objects in a local
 * directory (jclouds' file-system back end); requests are signed and checked (AWS v2 or v4).
 * S3Proxy refuses headers it does not know with 501, and the SDK sends newer ones AWS itself
 * understands (the multipart client's {@code x-amz-mp-object-size}, the CRC32 that DeleteObjects
 * carries): it is told to ignore them, as AWS would accept them.
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-never-shown";

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    public S3TestServer(Path directory) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory.toString());
        context = ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    BlobStore blobStore() {
        return context.getBlobStore();
    }

    public void createBucket(String bucket) {
        context.getBlobStore().createContainerInLocation(null, bucket);
    }

    /** Removes the bucket and everything in it, as an operator might under a running server. */
    public void deleteBucket(String bucket) {
        context.getBlobStore().deleteContainer(bucket);
    }

    public StorageSpec.S3 location(String bucket, String prefix) {
        return new StorageSpec.S3(bucket, prefix, endpoint(), ACCESS_KEY, SECRET_KEY, Map.of());
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }
}
