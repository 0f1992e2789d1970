package dev.determinedbatch.api;

/** The body of every error answer: what went wrong, in a sentence that names it. */
public record ApiError(int status, String error, String message) {
}
