package io.certstream.hub.testing;

import io.certstream.plugin.PluginFactory;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds a plugin jar the way a third party would, outside the hub's build: compiles Java sources against the
 * plugin API (found on the test class path) with the JDK's compiler and packs the classes and a
 * {@code META-INF/services} entry into a jar.
 */
public final class PluginJars {
    private PluginJars() {
    }

    /**
     * @param jar          where to write the jar
     * @param sources      class name (e.g. {@code dropin.EchoFactory}) to Java source
     * @param factoryClass the {@link PluginFactory} implementation to list in {@code META-INF/services}
     */
    public static Path build(Path jar, Map<String, String> sources, String factoryClass) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler: run the tests with a JDK, not a JRE");
        }
        Path work = Files.createTempDirectory("plugin-src");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<Path> files = new ArrayList<>();
        for (var e : sources.entrySet()) {
            Path file = work.resolve("src").resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            files.add(file);
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-classpath", classPath(), "-d", classes.toString());
            boolean ok = compiler.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
            if (!ok) {
                throw new IllegalStateException("the test plugin does not compile: " + diagnostics.getDiagnostics());
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.putNextEntry(new JarEntry("META-INF/services/" + PluginFactory.class.getName()));
            jarOut.write((factoryClass + "\n").getBytes(StandardCharsets.UTF_8));
            jarOut.closeEntry();
            try (Stream<Path> walk = Files.walk(classes)) {
                for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                    jarOut.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                    jarOut.write(Files.readAllBytes(p));
                    jarOut.closeEntry();
                }
            }
        }
        return jar;
    }

    /**
     * The test JVM's class path. Surefire may start the JVM with a single manifest-only jar; the compiler
     * does not follow its {@code Class-Path}, so it is expanded here.
     */
    public static String classPath() throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(entry);
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                try (var jf = new JarFile(p.toFile())) {
                    Manifest m = jf.getManifest();
                    String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                    if (cp != null) {
                        for (String url : cp.trim().split("\\s+")) {
                            entries.add(Path.of(URI.create(url.startsWith("file:") ? url : p.getParent().toUri().resolve(url).toString())).toString());
                        }
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
