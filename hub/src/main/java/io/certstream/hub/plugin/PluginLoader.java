package io.certstream.hub.plugin;

import io.certstream.hub.config.ConfigException;
import io.certstream.plugin.PluginFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Finds {@link PluginFactory} implementations with {@link ServiceLoader}: on the hub's class path, and in every
 * {@code *.jar} directly inside the plugins directory, each jar in a class loader of its own whose parent is
 * the hub's. The parent answers first, so a plugin sees the very same plugin API, model and Vert.x classes as the
 * hub (an update handed over the bus is the same class on both sides); whatever else a jar holds is private to it.
 *
 * <p>Blocking (reads jars): call it from a worker.
 */
public final class PluginLoader {
    private static final Logger LOG = Logger.getLogger(PluginLoader.class.getName());

    private PluginLoader() {
    }

    /** A factory and where it came from, for the start-up listing and error messages. */
    public record LoadedFactory(PluginFactory factory, String source) {
        public String type() {
            return factory.type();
        }
    }

    /** What was found, by type, and the class loaders to close when the hub stops. */
    public record Loaded(Map<String, LoadedFactory> byType, List<URLClassLoader> classLoaders) {
        public void close() {
            for (URLClassLoader loader : classLoaders) {
                try {
                    loader.close();
                } catch (IOException e) {
                    LOG.fine(() -> "closing " + loader.getName() + ": " + e);
                }
            }
        }

        /** {@code keyword-alert (classpath: ...), webhook (plugins/certstream-plugin-webhook.jar)}, for messages. */
        public String describe() {
            if (byType.isEmpty()) {
                return "none";
            }
            List<String> parts = new ArrayList<>();
            byType.values().forEach(f -> parts.add(f.type() + " (" + f.source() + ")"));
            return String.join(", ", parts);
        }
    }

    /**
     * @param pluginDir    the plugins directory; it need not exist
     * @param dirConfigKey how to name the directory's setting in errors, e.g. {@code "pluginDir (hub.json)"}
     */
    public static Loaded load(ClassLoader hubLoader, Path pluginDir, String dirConfigKey) {
        Map<String, LoadedFactory> byType = new LinkedHashMap<>();
        for (PluginFactory factory : instantiate(ServiceLoader.load(PluginFactory.class, hubLoader), null, "the class path")) {
            add(byType, new LoadedFactory(factory, "classpath: " + location(factory)));
        }
        List<URLClassLoader> loaders = new ArrayList<>();
        for (Path jar : jars(pluginDir, dirConfigKey)) {
            URLClassLoader loader;
            try {
                loader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[]{jar.toUri().toURL()}, hubLoader);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            loaders.add(loader);
            List<PluginFactory> found = instantiate(ServiceLoader.load(PluginFactory.class, loader), loader, jar.toString());
            if (found.isEmpty()) {
                LOG.warning(() -> jar + " holds no plugin: it lists no class in META-INF/services/"
                        + PluginFactory.class.getName() + " (a plugin jar must; libraries belong inside the plugin's jar)");
            }
            for (PluginFactory factory : found) {
                add(byType, new LoadedFactory(factory, jar.toString()));
            }
        }
        return new Loaded(byType, List.copyOf(loaders));
    }

    private static List<Path> jars(Path dir, String dirConfigKey) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dirConfigKey + ": " + dir + " is not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException(dirConfigKey + ": cannot list " + dir + ": " + e.getMessage());
        }
    }

    /**
     * The factories a loader provides itself. A jar's loader also sees the hub's class path through its parent:
     * those providers are the hub's own and are skipped here.
     */
    private static List<PluginFactory> instantiate(ServiceLoader<PluginFactory> services, ClassLoader only, String where) {
        List<PluginFactory> out = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<PluginFactory> provider : services.stream().toList()) {
                if (only != null && provider.type().getClassLoader() != only) {
                    continue;
                }
                out.add(provider.get());
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new ConfigException(where + ": cannot load its plugin: " + e.getMessage()
                    + " (was it built against this hub's plugin API, with Java " + Runtime.version().feature() + " or older?)");
        }
        return out;
    }

    private static void add(Map<String, LoadedFactory> byType, LoadedFactory loaded) {
        String type = loaded.type();
        if (type == null || !type.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new ConfigException(loaded.source() + ": the plugin " + loaded.factory().getClass().getName()
                    + " has the type \"" + type + "\"; a type is lower-case words joined with '-'");
        }
        LoadedFactory earlier = byType.putIfAbsent(type, loaded);
        if (earlier != null) {
            throw new ConfigException("two plugins have the type \"" + type + "\": " + earlier.source() + " and "
                    + loaded.source() + "; remove one of them");
        }
    }

    private static String location(PluginFactory factory) {
        CodeSource source = factory.getClass().getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? factory.getClass().getName() : source.getLocation().getPath();
    }
}
