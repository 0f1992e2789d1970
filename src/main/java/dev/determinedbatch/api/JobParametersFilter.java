package dev.determinedbatch.api;

import jakarta.batch.operations.BatchRuntimeException;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.JobInstance;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Checks the job parameters of a start or restart before JBeret's resource gets them, and answers
 * 400 (also for a body over {@link JsonJobParameters#MAX_BODY_BYTES}) with an {@link ApiError}
 * naming the parameter or the limit, so that nothing is created. As a filter it reads a JSON body
 * ({@link JsonJobParameters}) and checks it with the query parameters, and for a restart the
 * original execution's parameters, against JBeret's stored form ({@link StoredJobParameters}); as
 * a reader interceptor it hands the resource those parameters, all strings, in place of the
 * body's JSON binding. Bound to the resource methods by {@link JobParametersFeature}.
 */
final class JobParametersFilter implements ContainerRequestFilter, ReaderInterceptor {

    /** Which parameters JBeret combines with those of the request. */
    enum Target {
        /** A new job instance: the request's only. */
        START,
        /** The execution of the path parameter {@code jobExecutionId}: its parameters, then the request's. */
        RESTART_EXECUTION,
        /** The latest execution of the path parameter {@code jobXmlName}'s latest instance. */
        RESTART_LATEST
    }

    private static final String PARSED = JobParametersFilter.class.getName() + ".parameters";

    private final Target target;
    private final boolean bodyHoldsParameters;

    /**
     * @param bodyHoldsParameters whether the body is job parameters (a {@code Properties} entity),
     *                            not a job definition
     */
    JobParametersFilter(Target target, boolean bodyHoldsParameters) {
        this.target = target;
        this.bodyHoldsParameters = bodyHoldsParameters;
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        try {
            Map<String, String> query = firstValues(request.getUriInfo().getQueryParameters(true));
            Map<String, String> body = bodyHoldsParameters && isJson(request.getMediaType()) ? body(request) : Map.of();
            StoredJobParameters.checkReadsBack(query);
            StoredJobParameters.checkReadsBack(body);
            Original original = original(request.getUriInfo().getPathParameters(true));
            Map<String, String> stored =
                    StoredJobParameters.stored(original.parameters(), query, body, original.jobXmlName());
            StoredJobParameters.checkFits(stored, target == Target.START
                    ? "job parameters" : "the restart's job parameters (the original execution's with these)");
        } catch (JobParametersRefused e) {
            request.abortWith(Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(e.toApiError()).build());
        }
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Object parsed = context.getProperty(PARSED);
        return parsed != null && context.getType() == Properties.class ? parsed : context.proceed();
    }

    /** Reads and parses the body, keeps its parameters for {@link #aroundReadFrom}, and puts its bytes back. */
    private static Map<String, String> body(ContainerRequestContext request) throws IOException {
        if (request.getLength() > JsonJobParameters.MAX_BODY_BYTES) {
            throw JsonJobParameters.tooLarge("announces (Content-Length) more than");
        }
        byte[] bytes = request.getEntityStream().readNBytes(JsonJobParameters.MAX_BODY_BYTES + 1);
        request.setEntityStream(new ByteArrayInputStream(bytes));
        Map<String, String> parameters = JsonJobParameters.parse(bytes, charset(request.getMediaType()));
        Properties properties = new Properties();
        properties.putAll(parameters);
        request.setProperty(PARSED, properties);
        return parameters;
    }

    /** The parameters of the execution that a restart restarts (none for a start), and the job XML's file name. */
    private record Original(Properties parameters, String jobXmlName) {
    }

    private Original original(MultivaluedMap<String, String> path) {
        String jobXmlName = path.getFirst("jobXmlName");
        try {
            JobOperator operator = BatchRuntime.getJobOperator();
            JobExecution restarted = switch (target) {
                case START -> null;
                case RESTART_EXECUTION -> operator.getJobExecution(Long.parseLong(path.getFirst("jobExecutionId")));
                case RESTART_LATEST -> {
                    List<JobInstance> latest = operator.getJobInstances(jobXmlName, 0, 1);
                    List<JobExecution> executions =
                            latest.isEmpty() ? List.of() : operator.getJobExecutions(latest.get(0));
                    yield executions.isEmpty() ? null : executions.get(executions.size() - 1);
                }
            };
            if (restarted == null) {
                return new Original(new Properties(), xmlFileName(jobXmlName));
            }
            Properties parameters =
                    restarted.getJobParameters() == null ? new Properties() : restarted.getJobParameters();
            return new Original(parameters, parameters.getProperty(StoredJobParameters.JOB_XML_NAME,
                    xmlFileName(restarted.getJobName())));
        } catch (BatchRuntimeException | NumberFormatException e) {
            return new Original(new Properties(), null); // nothing to restart: JBeret's resource answers that
        }
    }

    /** The file name WildFly gives JBeret for a job XML name, as JBeret keeps it when an execution ends. */
    private static String xmlFileName(String jobXmlName) {
        return jobXmlName == null || jobXmlName.endsWith(".xml") ? jobXmlName : jobXmlName + ".xml";
    }

    private static Map<String, String> firstValues(MultivaluedMap<String, String> parameters) {
        Map<String, String> first = new LinkedHashMap<>();
        parameters.forEach((name, values) -> first.put(name, values.get(0)));
        return first;
    }

    private static boolean isJson(MediaType type) {
        return type != null && "application".equalsIgnoreCase(type.getType())
                && ("json".equalsIgnoreCase(type.getSubtype()) || type.getSubtype().toLowerCase().endsWith("+json"));
    }

    private static Charset charset(MediaType type) {
        String name = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (name == null) {
            return null;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw JobParametersRefused.badRequest("the request body's charset '" + name + "' is unknown");
        }
    }
}
