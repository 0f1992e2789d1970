package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The lease table beside JBeret's tables, in H2 and in PostgreSQL. */
@ParameterizedClass
@EnumSource(JBeretDatabase.Kind.class)
class LeaseStoreTests {

    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00.123Z");

    private JBeretDatabase database;
    private LeaseStore store;

    private final JBeretDatabase.Kind kind;

    LeaseStoreTests(JBeretDatabase.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void createTables() throws Exception {
        database = new JBeretDatabase(kind);
        RecoveryTables.create(database.dataSource());
        store = new LeaseStore(database.dataSource());
    }

    private static ServerLease lease(String id, Instant at) {
        return new ServerLease(id, "node-" + id, 77, "scope", at, at);
    }

    @Test
    void creatingTheTablesAgainKeepsThem() throws Exception {
        store.register(lease("a", T0));
        RecoveryTables.create(database.dataSource());
        assertThat(store.leases()).containsOnlyKeys("a");
    }

    @Test
    void aLeaseIsReadBackAsRegisteredAndRenewed() throws Exception {
        store.register(lease("a", T0));
        assertThat(store.renew("a", T0.plusSeconds(10))).isTrue();
        assertThat(store.leases()).containsEntry("a", lease("a", T0).renewed(T0.plusSeconds(10)));
    }

    @Test
    void renewingARemovedLeaseSaysSo() throws Exception {
        store.register(lease("a", T0));
        store.remove("a");
        assertThat(store.renew("a", T0.plusSeconds(10))).isFalse();
        assertThat(store.leases()).isEmpty();
    }

    @Test
    void onlyExpiredLeasesThatOwnNothingAreRemoved() throws Exception {
        store.register(lease("expired", T0));
        store.register(lease("expired-owner", T0));
        store.register(lease("fresh", T0.plusSeconds(60)));
        new ExecutionOwners(database.dataSource()).claim(1, 1, "expired-owner", T0, l -> true);

        assertThat(store.removeExpired(T0.plusSeconds(30))).isEqualTo(1);

        assertThat(store.leases()).containsOnlyKeys("expired-owner", "fresh");
    }
}
