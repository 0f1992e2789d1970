package dev.determinedbatch.client.master;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The master's address, canonicalised as Determined's client does: no scheme means
 * {@code http://}; a bare host gets port 8080; {@code http://host} keeps the scheme's default
 * port; a trailing {@code /} is dropped.
 */
public record MasterUrl(URI uri) {

    public static final String DEFAULT = "localhost:8080";

    public static MasterUrl parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("the Determined master address is empty");
        }
        String text = address.strip();
        String shown = withoutCredentials(text);
        boolean hasScheme = text.contains("://");
        String withScheme = hasScheme ? text : "http://" + text;
        URI uri;
        try {
            uri = new URI(withScheme);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the Determined master address '" + shown
                    + "' is not a URL: " + withoutCredentials(e.getReason()));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("the Determined master address '" + shown
                    + "' must use http or https, not '" + uri.getScheme() + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the Determined master address '" + shown + "' names no host");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("the Determined master address must not carry credentials;"
                    + " use DET_USER and DET_PASS");
        }
        int port = uri.getPort();
        if (port < 0 && !hasScheme) {
            port = 8080;
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        try {
            return new MasterUrl(new URI(scheme, null, uri.getHost().toLowerCase(java.util.Locale.ROOT), port, path.isEmpty() ? null : path, null, null));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the Determined master address '" + shown + "' is invalid");
        }
    }

    /** The text with any {@code user:password@} before the host replaced: errors never show a password. */
    private static String withoutCredentials(String text) {
        return text == null ? "" : text.replaceAll("(^|//)[^/@]*@", "$1***@");
    }

    public boolean isHttps() {
        return "https".equals(uri.getScheme());
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
