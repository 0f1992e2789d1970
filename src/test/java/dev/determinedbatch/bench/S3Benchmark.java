package dev.determinedbatch.bench;

import dev.determinedbatch.storage.StorageSpec;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;
import dev.determinedbatch.storage.fs.DirectoryStorage;
import dev.determinedbatch.storage.s3.S3Storage;
import dev.determinedbatch.storage.s3.S3TestServer;
import dev.determinedbatch.testsupport.Trees;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.TrainingState;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.DownloadFileRequest;
import software.amazon.awssdk.transfer.s3.model.UploadFileRequest;

/**
 * S1: our S3 storage against the S3-compatible test server (S3Proxy on loopback, file-system back
 * end), beside a plain upload and download of the same files with the same SDK: the transfer
 * manager over a client with the same multipart settings, all files in parallel. Store: the
 * training state written as our checkpoint (staged locally, uploaded, checksum manifest and upload
 * mark) over the plain upload of its files; restore: our restore (download into a temporary
 * directory, CRC32C of every file against the manifest) over the plain download of the same
 * objects. Throughput ratios (plain time over ours), at 10 and 100 MB; the two alternate, median of
 * the rounds. The server runs in this JVM and shares the machine's cores and disk with the client,
 * so the absolute MB/s say little about a real bucket; the ratios say what our storage adds.
 */
public final class S3Benchmark {

    static final double GOAL_AT_100MB = 0.8;
    static final List<Integer> MEGABYTES = List.of(10, 100);
    private static final String BUCKET = "bench";

    private S3Benchmark() {
    }

    /** The rows, with the rounds of {@code bench.quick} (see {@link BenchmarkOptions}). */
    public static List<BenchmarkRow> s3Rows() throws Exception {
        return s3Rows(BenchmarkOptions.fromSystemProperties());
    }

    /** The S3 rows alone: {@code mvn -B -q -DskipTests test-compile exec:java -Dexec.mainClass=...S3Benchmark -Dexec.classpathScope=test}. */
    public static void main(String[] args) throws Exception {
        List<BenchmarkRow> rows = s3Rows();
        rows.forEach(row -> System.out.println(row.line()));
        System.exit(0); // the test server's threads may linger
    }

    public static List<BenchmarkRow> s3Rows(BenchmarkOptions options) throws Exception {
        int rounds = options.pick(5, 1);
        Path work = Files.createDirectories(options.work().resolve("s3"));
        try (S3TestServer server = new S3TestServer(Files.createDirectories(work.resolve("server")))) {
            server.createBucket(BUCKET);
            StorageSpec.S3 location = server.location(BUCKET, "ours");
            S3Storage.Options storageOptions = S3Storage.Options.defaults()
                    .withTempDir(Files.createDirectories(work.resolve("tmp")));
            DigitsDataset.Split data = DigitsDataset.loadBundled().split();
            List<BenchmarkRow> rows = new ArrayList<>();
            try (S3Storage ours = S3Storage.open(location, storageOptions);
                 Plain plain = new Plain(server, storageOptions)) {
                for (int megabytes : MEGABYTES) {
                    rows.addAll(measure(megabytes, rounds, data, ours, plain, work.resolve("local-" + megabytes)));
                }
            }
            return rows;
        } finally {
            Trees.delete(work);
        }
    }

    private static List<BenchmarkRow> measure(int megabytes, int rounds, DigitsDataset.Split data, S3Storage ours,
                                              Plain plain, Path local) throws Exception {
        TrainingState state = StateSizes.run(megabytes, data).state();
        // the same files as plain bytes on the local disk: the plain upload's source
        DirectoryStorage directory = new DirectoryStorage(local);
        StoredCheckpoint localCopy = StateSizes.store(directory, state);
        Path source = directory.base().resolve(localCopy.uuid());
        List<String> files = localCopy.resources().keySet().stream().filter(name -> !name.endsWith("/")).toList();
        long bytes = StateSizes.bytes(localCopy);
        // warm-up of both, and the checkpoint the restores read
        StoredCheckpoint stored = StateSizes.store(ours, state);
        plain.upload(source, files, "plain/warm-up");
        double[] store = new double[rounds];
        double[] upload = new double[rounds];
        double[] restore = new double[rounds];
        double[] download = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            StoredCheckpoint again = StateSizes.store(ours, state);
            store[round] = Samples.secondsSince(start);
            start = System.nanoTime();
            plain.upload(source, files, "plain/" + megabytes + "-" + round);
            upload[round] = Samples.secondsSince(start);
            ours.delete(again.uuid());

            start = System.nanoTime();
            long restored = ours.restore(stored.uuid(), checkpoint -> checkpoint.root().toFile().exists() ? 1L : 0L,
                    Verification.REQUIRED);
            restore[round] = Samples.secondsSince(start);
            if (restored != 1L) {
                throw new IllegalStateException("the restore handed the reader no directory");
            }
            Path target = Files.createTempDirectory(local, "download-");
            start = System.nanoTime();
            plain.download(files, "plain/warm-up", target);
            download[round] = Samples.secondsSince(start);
            Trees.delete(target);
        }
        double mib = StateSizes.mebibytes(bytes);
        System.out.printf(Locale.ROOT, "S1 %d MB: store %s s, plain upload %s s; restore %s s, plain download %s s%n",
                megabytes, CheckpointWriteFigure.seconds(store), CheckpointWriteFigure.seconds(upload),
                CheckpointWriteFigure.seconds(restore), CheckpointWriteFigure.seconds(download));
        return List.of(row("store", megabytes, store, upload, "upload", mib, rounds),
                row("restore", megabytes, restore, download, "download", mib, rounds));
    }

    private static BenchmarkRow row(String what, int megabytes, double[] ours, double[] plain, String plainName,
                                    double mib, int rounds) {
        double oursMedian = Samples.median(ours);
        double plainMedian = Samples.median(plain);
        double ratio = plainMedian / oursMedian;
        String size = what + " " + StateSizes.label(megabytes);
        String beside = String.format(Locale.ROOT, "%s %.0f MB/s, plain %s %.0f MB/s, median of %d", what,
                mib / oursMedian, plainName, mib / plainMedian, rounds);
        return megabytes >= 100 ? BenchmarkRow.atLeast("S1", size, ratio, GOAL_AT_100MB, beside)
                : BenchmarkRow.info("S1", size, ratio, beside);
    }

    /** The same SDK, configured as our storage configures it, without our storage around it. */
    private static final class Plain implements AutoCloseable {

        private final S3AsyncClient client;
        private final S3TransferManager transfers;

        Plain(S3TestServer server, S3Storage.Options options) {
            client = S3AsyncClient.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)))
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .multipartEnabled(true)
                    .multipartConfiguration(MultipartConfiguration.builder()
                            .thresholdInBytes(options.multipartThreshold())
                            .minimumPartSizeInBytes(options.partSize()).build())
                    .build();
            transfers = S3TransferManager.builder().s3Client(client).build();
        }

        void upload(Path source, List<String> files, String prefix) {
            List<CompletableFuture<?>> uploads = new ArrayList<>();
            for (String file : files) {
                uploads.add(transfers.uploadFile(UploadFileRequest.builder()
                        .putObjectRequest(p -> p.bucket(BUCKET).key(prefix + "/" + file))
                        .source(source.resolve(file)).build()).completionFuture());
            }
            CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new)).join();
        }

        void download(List<String> files, String prefix, Path target) throws Exception {
            List<CompletableFuture<?>> downloads = new ArrayList<>();
            for (String file : files) {
                Path destination = target.resolve(file);
                Files.createDirectories(destination.getParent());
                downloads.add(transfers.downloadFile(DownloadFileRequest.builder()
                        .getObjectRequest(g -> g.bucket(BUCKET).key(prefix + "/" + file))
                        .destination(destination).build()).completionFuture());
            }
            CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new)).join();
        }

        @Override
        public void close() {
            transfers.close();
            client.close();
        }
    }
}
