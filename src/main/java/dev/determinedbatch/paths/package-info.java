/**
 * Path rules shared by the layers: {@link dev.determinedbatch.paths.AllowedRoots}, the directories a
 * path chosen through the API may lead into, checked by where the path really leads. Depends on
 * nothing of this project.
 */
package dev.determinedbatch.paths;
