package dev.determinedbatch.client.master;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The master's detached-mode REST API as a MicroProfile Rest Client interface. Bodies are JSON
 * text written by {@link dev.determinedbatch.json.PythonJson}, so that they carry exactly what
 * Determined's Python client sends (nulls included, NaN as strings); statuses are left to
 * {@link MasterConnection}.
 */
@Path("/")
@Consumes(MediaType.APPLICATION_JSON)
public interface MasterApi {

    @POST
    @Path("api/v1/auth/login")
    Response login(String body);

    @GET
    @Path("api/v1/me")
    Response me();

    @PUT
    @Path("api/v1/experiments/by-external-id/{externalExperimentId}")
    Response putExperiment(@PathParam("externalExperimentId") String externalExperimentId, String body);

    @POST
    @Path("api/v1/experiments")
    Response createExperiment(String body);

    @PUT
    @Path("api/v1/trials")
    Response putTrial(String body);

    @POST
    @Path("api/v1/trials")
    Response createTrial(String body);

    @GET
    @Path("api/v1/master")
    Response masterInfo();

    @POST
    @Path("api/v1/trials/{trialId}/start")
    Response startTrial(@PathParam("trialId") long trialId, String body);

    @POST
    @Path("api/v1/runs/start")
    Response startRun(String body);

    @PATCH
    @Path("api/v1/trials/{trialId}")
    Response patchTrial(@PathParam("trialId") long trialId, String body);

    @POST
    @Path("api/v1/trials/{trialId}/metrics")
    Response reportMetrics(@PathParam("trialId") long trialId, String body);

    @POST
    @Path("api/v1/trials/{trialId}/progress")
    Response reportProgress(@PathParam("trialId") long trialId, String body);

    @POST
    @Path("api/v1/checkpoints")
    Response reportCheckpoint(String body);

    @GET
    @Path("api/v1/checkpoints/{uuid}")
    Response getCheckpoint(@PathParam("uuid") String uuid);

    @GET
    @Path("api/v1/trials/{trialId}/checkpoints")
    Response trialCheckpoints(@PathParam("trialId") long trialId,
                              @QueryParam("sortByAttr") String sortByAttr,
                              @QueryParam("orderBy") String orderBy,
                              @QueryParam("states") List<String> states,
                              @QueryParam("offset") Integer offset,
                              @QueryParam("limit") Integer limit);

    @DELETE
    @Path("api/v1/checkpoints")
    Response deleteCheckpoints(String body);

    @POST
    @Path("task-logs")
    Response shipLogs(String body);
}
