package io.certstream.bench.load;

import com.sun.management.OperatingSystemMXBean;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hub under test, in its own JVM so that its CPU, heap and RSS are its own: started from this JVM's class
 * path ({@code io.certstream.hub.Main --config FILE}), its output in {@code hub.log}, observed through JMX
 * (heap, CPU time, GC) and {@code /proc} (RSS).
 */
final class HubProcess implements AutoCloseable {
    private final Process process;
    private final int jmxPort;
    private JMXConnector jmx;
    private MemoryMXBean memory;
    private OperatingSystemMXBean os;
    private List<GarbageCollectorMXBean> gcs;
    private List<MemoryPoolMXBean> heapPools;

    private HubProcess(Process process, int jmxPort) {
        this.process = process;
        this.jmxPort = jmxPort;
    }

    /** @param heapAfterGc heap in use after the last collection: the live data, what a smaller heap must hold */
    record Sample(long wallMillis, double cpuSeconds, long heapUsed, long heapCommitted, long heapMax, long rssBytes,
                  long gcCount, long gcMillis, long heapAfterGc) {
    }

    static HubProcess start(Path config, Path log, List<String> jvmArgs) throws IOException {
        int jmxPort = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-Dcom.sun.management.jmxremote.port=" + jmxPort);
        command.add("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort);
        command.add("-Dcom.sun.management.jmxremote.authenticate=false");
        command.add("-Dcom.sun.management.jmxremote.ssl=false");
        command.add("-Dcom.sun.management.jmxremote.host=127.0.0.1");
        command.add("-Djava.rmi.server.hostname=127.0.0.1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.certstream.hub.Main");
        command.add("--config");
        command.add(config.toString());
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new HubProcess(process, jmxPort);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Connects JMX, retrying while the JVM starts. */
    void attach(long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try {
                jmx = JMXConnectorFactory.connect(
                        new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"));
                MBeanServerConnection c = jmx.getMBeanServerConnection();
                memory = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
                os = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
                        OperatingSystemMXBean.class);
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

    Sample sample() throws IOException {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : gcs) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        return new Sample(System.currentTimeMillis(), os.getProcessCpuTime() / 1e9, heap.getUsed(), heap.getCommitted(), heap.getMax(), rss(),
                gcCount, gcMillis, heapAfterGc());
    }

    private long heapAfterGc() {
        long sum = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage after = pool.getCollectionUsage();
            sum += after == null ? 0 : after.getUsed();
        }
        return sum;
    }

    /** Resident set size from /proc (Linux), or -1 elsewhere. */
    private long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return -1;
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
