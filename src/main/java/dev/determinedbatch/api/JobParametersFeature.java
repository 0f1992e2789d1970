package dev.determinedbatch.api;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Properties;
import org.jberet.rest.resource.JobExecutionResource;
import org.jberet.rest.resource.JobResource;

/**
 * Puts {@link JobParametersFilter} in front of JBeret's resource methods that hand job parameters
 * to JBeret: start and submit (a new instance), restart and resubmit of an execution, restart of a
 * job's latest execution; and {@link RestartGuard} after it in front of the restarts.
 */
public class JobParametersFeature implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        JobParametersFilter.Target target = target(resource.getResourceClass(), method.getName());
        if (target != null) {
            boolean bodyHoldsParameters = Arrays.asList(method.getParameterTypes()).contains(Properties.class);
            context.register(new JobParametersFilter(target, bodyHoldsParameters), Priorities.USER);
            if (target != JobParametersFilter.Target.START && method.getName().equals("restart")) {
                // after the parameters' check: a request refused there claims nothing
                context.register(new RestartGuard(target), Priorities.USER + 100);
            }
        }
    }

    private static JobParametersFilter.Target target(Class<?> resource, String method) {
        if (JobResource.class.isAssignableFrom(resource)) {
            return switch (method) {
                case "start", "submit" -> JobParametersFilter.Target.START;
                case "restart" -> JobParametersFilter.Target.RESTART_LATEST;
                default -> null;
            };
        }
        if (JobExecutionResource.class.isAssignableFrom(resource)) {
            return switch (method) {
                case "restart", "resubmit" -> JobParametersFilter.Target.RESTART_EXECUTION;
                default -> null;
            };
        }
        return null;
    }
}
