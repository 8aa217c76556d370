package io.certstream.hub.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * {@code /live}: the browser example (examples/js-browser, copied into the hub jar by the build) that follows
 * {@code /sse} with the hub's server-side filters and shows certificates as they arrive. Static files only.
 */
public final class LivePage {
    public static final String PATH = "/live";
    /** Where the hub pom puts examples/js-browser on the classpath. */
    static final String RESOURCES = "io/certstream/hub/live";

    private LivePage() {
    }

    public static void mount(Router router) {
        // The page uses relative URLs (vendor/...), which resolve below /live/ only with the trailing slash.
        // (A route for "/live" also matches "/live/", which must fall through to the files.)
        router.get(PATH).handler(ctx -> {
            if (ctx.request().path().equals(PATH)) {
                ctx.redirect(PATH + "/");
            } else {
                ctx.next();
            }
        });
        router.get(PATH + "/*").handler(StaticHandler.create(RESOURCES).setIndexPage("index.html"));
    }
}
