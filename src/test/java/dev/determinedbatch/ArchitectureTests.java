package dev.determinedbatch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The import rule of the README's Architecture section, on the compiled main classes (tests, the
 * master stand-in and the benchmarks are not held to it): each package uses only the packages
 * {@link #MAY_USE} names for it, the packages form no cycle, and what CDI injects follows the same
 * rule as what is imported. A package not named here fails the build until it is added, here and
 * in the README.
 */
@AnalyzeClasses(packages = "dev.determinedbatch", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    /** The numbered log messages (LogCode): every package may use them, and they use nothing. */
    private static final String LOG = "log";
    /** Our packages: a name ending in {@code ..} includes its subpackages. */
    private static final Map<String, String> PACKAGES = new LinkedHashMap<>();
    /** What each package may use of ours besides itself; nothing uses api, app or examples. */
    private static final Map<String, List<String>> MAY_USE = new LinkedHashMap<>();

    static {
        rule("api", "dev.determinedbatch.api..", "batch", "client", "storage", "recovery");
        rule("app", "dev.determinedbatch.app..", "batch");
        rule("examples", "dev.determinedbatch.examples..", "client", "client.core", "storage", "storage.fs", "json");
        rule("batch", "dev.determinedbatch.batch..", "client", "client.core", "storage", "storage.fs", "storage.s3", "training",
                "recovery", "json", "time", "paths");
        rule("recovery", "dev.determinedbatch.recovery..", "time");
        rule("client", "dev.determinedbatch.client", "client.delivery", "client.master", "client.local", "client.core",
                "storage", "json", "time");
        rule("client.delivery", "dev.determinedbatch.client.delivery..", "client.core", "storage", "json", "time",
                "files");
        rule("client.master", "dev.determinedbatch.client.master..", "client.core", "storage", "json", "time");
        rule("client.local", "dev.determinedbatch.client.local..", "client.core", "storage", "json");
        rule("client.core", "dev.determinedbatch.client.core..", "storage");
        rule("storage", "dev.determinedbatch.storage", "json", "paths");
        rule("storage.fs", "dev.determinedbatch.storage.fs..", "storage", "json", "files");
        rule("storage.s3", "dev.determinedbatch.storage.s3..", "storage", "json", "files", "time");
        rule("training", "dev.determinedbatch.training..", "json");
        rule("json", "dev.determinedbatch.json..");
        rule("time", "dev.determinedbatch.time..");
        rule("files", "dev.determinedbatch.files..");
        rule("paths", "dev.determinedbatch.paths..");
        PACKAGES.put(LOG, "dev.determinedbatch.log..");
        MAY_USE.put(LOG, List.of());
        // runs in PostgreSQL's driver module, not in the application: not even log is there
        PACKAGES.put("jobrepository", "dev.determinedbatch.jobrepository..");
        MAY_USE.put("jobrepository", List.of());
    }

    private static void rule(String name, String packages, String... mayUse) {
        PACKAGES.put(name, packages);
        MAY_USE.put(name, Stream.concat(Stream.of(mayUse), Stream.of(LOG)).toList());
    }

    @ArchTest
    static final ArchRule PACKAGES_USE_ONLY_WHAT_THE_README_ALLOWS = layers()
            .because("imports flow one way, as the README's Architecture section states");

    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.determinedbatch.(**)")
            .should().beFreeOfCycles()
            .because("a package that needs another which needs it back is one package in two places");

    /** A CDI producer is a dependency no import shows: recovery once took its Clock from batch. */
    @ArchTest
    static final ArchRule INJECTED_BEANS_COME_FROM_PACKAGES_THE_INJECTOR_MAY_USE = classes()
            .should(injectOnlyWhatPackagesTheyMayUseProduce())
            .because("what CDI injects is a dependency as much as an import");

    private static ArchRule layers() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture();
        for (Map.Entry<String, String> layer : PACKAGES.entrySet()) {
            layers = layers.layer(layer.getKey()).definedBy(layer.getValue());
        }
        for (Map.Entry<String, List<String>> allowed : MAY_USE.entrySet()) {
            layers = allowed.getValue().isEmpty() ? layers.whereLayer(allowed.getKey()).mayNotAccessAnyLayer()
                    : layers.whereLayer(allowed.getKey()).mayOnlyAccessLayers(allowed.getValue().toArray(String[]::new));
        }
        return layers.whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("examples").mayNotBeAccessedByAnyLayer();
    }

    private static ArchCondition<JavaClass> injectOnlyWhatPackagesTheyMayUseProduce() {
        return new ArchCondition<>("inject only beans produced in their own package or one they may use") {
            private final Map<String, JavaMethod> producers = new HashMap<>();

            @Override
            public void init(Collection<JavaClass> all) {
                all.stream().flatMap(c -> c.getMethods().stream())
                        .filter(m -> m.isAnnotatedWith("jakarta.enterprise.inject.Produces"))
                        .forEach(m -> producers.put(m.getRawReturnType().getName(), m));
            }

            @Override
            public void check(JavaClass injector, ConditionEvents events) {
                Stream.concat(
                        injector.getConstructors().stream().filter(c -> c.isAnnotatedWith("jakarta.inject.Inject"))
                                .flatMap(c -> c.getRawParameterTypes().stream()),
                        injector.getFields().stream().filter(f -> f.isAnnotatedWith("jakarta.inject.Inject"))
                                .map(f -> f.getRawType()))
                        .forEach(type -> {
                            JavaMethod producer = producers.get(type.getName());
                            if (producer == null) {
                                return;
                            }
                            String user = layerOf(injector.getPackageName());
                            String maker = layerOf(producer.getOwner().getPackageName());
                            boolean allowed = user.equals(maker) || MAY_USE.get(user).contains(maker);
                            events.add(new SimpleConditionEvent(injector, allowed, injector.getName() + " (" + user
                                    + ") injects " + type.getName() + ", which " + producer.getFullName() + " (" + maker
                                    + ") produces; " + user + " may use only " + MAY_USE.get(user)));
                        });
            }
        };
    }

    private static String layerOf(String packageName) {
        return PACKAGES.entrySet().stream().filter(p -> {
            String pattern = p.getValue();
            if (!pattern.endsWith("..")) {
                return packageName.equals(pattern);
            }
            String root = pattern.substring(0, pattern.length() - 2);
            return packageName.equals(root) || packageName.startsWith(root + ".");
        }).map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no rule for " + packageName));
    }
}
