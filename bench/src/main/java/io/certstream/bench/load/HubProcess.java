package io.certstream.bench.load;

import io.vertx.core.json.JsonObject;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hub under test, in its own JVM so that its CPU, heap and RSS are its own: started from this JVM's class
 * path ({@code io.certstream.hub.Main --config FILE}), its output in {@code hub.log}, observed through {@code /proc}
 * (CPU time, RSS) and, unless told not to, JMX (heap, GC). The JMX agent costs the hub a few MiB and threads, so
 * the side-by-side runs ({@code --server}) leave it off and report the heap as unknown.
 */
final class HubProcess implements ServerProcess {
    private final Process process;
    private final int jmxPort;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();
    private JMXConnector jmx;
    private MemoryMXBean memory;
    private List<GarbageCollectorMXBean> gcs;
    private List<MemoryPoolMXBean> heapPools;

    private HubProcess(Process process, int jmxPort, int port, Path log) {
        this.process = process;
        this.jmxPort = jmxPort;
        this.port = port;
        this.log = log;
    }

    /** @param jmx observe the heap through JMX (adds the JMX agent to the hub's JVM) */
    static HubProcess start(Path config, Path log, List<String> jvmArgs, int port, boolean jmx) throws IOException {
        int jmxPort = jmx ? freePort() : -1;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        if (jmx) {
            command.add("-Dcom.sun.management.jmxremote.port=" + jmxPort);
            command.add("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort);
            command.add("-Dcom.sun.management.jmxremote.authenticate=false");
            command.add("-Dcom.sun.management.jmxremote.ssl=false");
            command.add("-Dcom.sun.management.jmxremote.host=127.0.0.1");
            command.add("-Djava.rmi.server.hostname=127.0.0.1");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.certstream.hub.Main");
        command.add("--config");
        command.add(config.toString());
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (!jmx) {
            // What ./certstream-hub sets (the side-by-side runs measure the hub as it ships).
            builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        }
        Process process = builder.start();
        return new HubProcess(process, jmxPort, port, log);
    }

    @Override
    public String name() {
        return "hub";
    }

    @Override
    public Process process() {
        return process;
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void probe() throws Exception {
        stats();
    }

    /** Up, and (with JMX) attached for heap figures. */
    @Override
    public void awaitReady(long timeoutMillis) throws Exception {
        ServerProcess.super.awaitReady(timeoutMillis);
        if (jmxPort > 0) {
            attach(30_000);
        }
    }

    /** The hub's {@code /stats}. */
    JsonObject stats() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("/stats answered " + r.statusCode());
        }
        return new JsonObject(r.body());
    }

    @Override
    public Counts counts() {
        JsonObject clients = new JsonObject();
        JsonObject dropped = new JsonObject();
        try {
            JsonObject endpoints = stats().getJsonObject("endpoints", new JsonObject());
            for (String name : endpoints.fieldNames()) {
                // Both ways the hub drops: for one slow reader (its queue is full) and for an overloaded web event
                // loop (server.maxPendingMessages); either way the message is counted, never silently lost.
                JsonObject e = endpoints.getJsonObject(name);
                clients.put(name, e.getLong("clients", 0L));
                dropped.put(name, e.getLong("dropped_messages", 0L) + e.getLong("dropped_overload", 0L));
            }
        } catch (IOException e) {
            throw new IllegalStateException("the hub's /stats cannot be read: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Counts(clients, dropped);
    }

    /** Connects JMX, retrying while the JVM starts. */
    private void attach(long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try {
                jmx = JMXConnectorFactory.connect(
                        new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"));
                MBeanServerConnection c = jmx.getMBeanServerConnection();
                memory = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
                gcs = ManagementFactory.getPlatformMXBeans(c, GarbageCollectorMXBean.class);
                heapPools = ManagementFactory.getPlatformMXBeans(c, MemoryPoolMXBean.class).stream()
                        .filter(p -> p.getType() == MemoryType.HEAP).toList();
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the hub exited with code " + process.exitValue()
                            + " before it could be observed; see its log", e);
                }
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @Override
    public Sample sample() throws IOException {
        long pid = process.pid();
        if (memory == null) {
            return new Sample(System.currentTimeMillis(), ServerProcess.cpuSeconds(pid), -1, -1, -1,
                    ServerProcess.rssBytes(pid), -1, -1, -1);
        }
        MemoryUsage heap = memory.getHeapMemoryUsage();
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : gcs) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        return new Sample(System.currentTimeMillis(), ServerProcess.cpuSeconds(pid), heap.getUsed(), heap.getCommitted(),
                heap.getMax(), ServerProcess.rssBytes(pid), gcCount, gcMillis, heapAfterGc());
    }

    private long heapAfterGc() {
        long sum = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage after = pool.getCollectionUsage();
            sum += after == null ? 0 : after.getUsed();
        }
        return sum;
    }

    @Override
    public void close() throws Exception {
        if (jmx != null) {
            try {
                jmx.close();
            } catch (IOException ignored) {
                // the hub may already be gone
            }
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
