package io.certstream.hub.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, to see exactly what the hub answers to an upgrade request (status, headers, body)
 * before any websocket exists. An answer of 101 leaves the socket open: the caller holds the connection until
 * {@link #close()}.
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    public final int status;
    public final Map<String, String> headers;
    public final String body;

    private RawHttp(Socket socket, int status, Map<String, String> headers, String body) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** A websocket upgrade of {@code path} with {@code extraHeaders} (lines without CRLF). */
    public static RawHttp upgrade(int port, String path, String... extraHeaders) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString("certstream-test-k".getBytes(StandardCharsets.US_ASCII)) + "\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return send(port, request.append("\r\n").toString());
    }

    /** A plain GET of {@code path}. */
    public static RawHttp get(int port, String path, String... extraHeaders) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return send(port, request.append("\r\n").toString());
    }

    public static RawHttp send(int port, String request) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        if (status == 101) {
            return new RawHttp(socket, status, headers, "");
        }
        String body = "";
        String length = headers.get("content-length");
        if (length != null) {
            body = new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
        }
        socket.close();
        return new RawHttp(socket, status, headers, body);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the answer's head ended: " + out.toString(StandardCharsets.ISO_8859_1));
            }
            out.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether the hub closed this connection (waits up to {@code millis} for the end of the stream). */
    public boolean closedByPeer(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (true) {
                if (socket.getInputStream().read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
