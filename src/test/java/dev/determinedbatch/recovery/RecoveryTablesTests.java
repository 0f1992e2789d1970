package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our tables, created by servers that start at the same moment on an empty database, in H2 and in
 * PostgreSQL. PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} fails on all but one of such servers
 * (a duplicate key in its catalog); {@link RecoveryTables#create} takes that as done when the table exists.
 */
@ParameterizedClass
@EnumSource(JBeretDatabase.Kind.class)
class RecoveryTablesTests {

    private static final int SERVERS = 4;
    private static final int ROUNDS = 10;

    private final JBeretDatabase.Kind kind;

    RecoveryTablesTests(JBeretDatabase.Kind kind) {
        this.kind = kind;
    }

    @Test
    void serversCreatingTheTablesAtOnceAllSucceed() throws Exception {
        ExecutorService servers = Executors.newFixedThreadPool(SERVERS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                DataSource empty = JBeretDatabase.empty(kind).dataSource();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Void>> creating = new ArrayList<>();
                for (int server = 0; server < SERVERS; server++) {
                    // opened in advance: the servers' DDL meets in the database, not staggered by logins
                    DataSource opened = openedInAdvance(empty.getConnection());
                    creating.add(servers.submit(() -> {
                        go.await();
                        RecoveryTables.create(opened);
                        return null;
                    }));
                }
                go.countDown();
                for (Future<Void> created : creating) {
                    created.get(60, TimeUnit.SECONDS);
                }
                try (Connection connection = empty.getConnection()) {
                    for (String table : List.of(RecoveryTables.LEASE, RecoveryTables.OWNER, RecoveryTables.TRIAL)) {
                        assertThat(RecoveryTables.exists(connection, table)).as("%s in round %d", table, round).isTrue();
                    }
                }
            }
        } finally {
            servers.shutdownNow();
        }
    }

    /** A data source that hands out one connection, opened already, once. */
    private static DataSource openedInAdvance(Connection connection) {
        AtomicBoolean taken = new AtomicBoolean();
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, arguments) -> {
                    if (!method.getName().equals("getConnection") || method.getParameterCount() != 0) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    if (taken.getAndSet(true)) {
                        throw new IllegalStateException("the connection opened in advance was taken already");
                    }
                    return connection;
                });
    }
}
