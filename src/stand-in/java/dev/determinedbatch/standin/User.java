package dev.determinedbatch.standin;

/** A master user (the password stays inside {@link Users}). */
public record User(long id, String username, boolean admin, boolean active) {
}
