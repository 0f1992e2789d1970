package dev.determinedbatch.batch.support;

import java.nio.file.Path;

/**
 * A dataset file that {@link DatasetRoots} allows.
 *
 * @param source where the choice came from, for messages: {@code job parameter 'dataset'} or the
 *               config key
 * @param path   the path as given, normalised: the name in messages
 * @param real   where it leads, every symbolic link resolved: the file that is opened
 */
public record DatasetFile(String source, Path path, Path real) {
}
