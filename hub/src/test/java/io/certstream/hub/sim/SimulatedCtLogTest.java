package io.certstream.hub.sim;

import io.certstream.hub.ct.merkle.MerkleProofs;
import io.certstream.hub.ct.merkle.MerkleTree;
import io.certstream.hub.testing.TlsReader;
import io.certstream.model.UpdateType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedCtLogTest {

    private static final String POISON = "1.3.6.1.4.1.11129.2.4.3";
    private static final int INITIAL = 150;
    private static final int CAP = 32;

    private static Vertx vertx;
    private static SimulatedCtLog log;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startStaticLog() throws Exception {
        vertx = Vertx.vertx();
        log = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(INITIAL).withEntriesPerSecond(0).withBatchCap(CAP).withSeed(42)));
    }

    @AfterAll
    static void stop() throws Exception {
        await(log.close());
        await(vertx.close());
    }

    @Test
    void treeHeadSignatureVerifiesWithTheKeyFromTheLogList() throws Exception {
        JsonObject list = get(log.logListUrl()).json();
        JsonObject entry = list.getJsonArray("operators").getJsonObject(0).getJsonArray("logs").getJsonObject(0);
        assertEquals(log.url() + "/", entry.getString("url"));
        assertEquals("CertStream simulated log", entry.getString("description"));
        byte[] spki = Base64.getDecoder().decode(entry.getString("key"));
        assertEquals(entry.getString("log_id"), Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki)));
        assertEquals(log.logId(), entry.getString("log_id"));
        assertNotNull(entry.getJsonObject("state").getJsonObject("usable").getString("timestamp"));
        assertEquals(0, list.getJsonArray("operators").getJsonObject(0).getJsonArray("tiled_logs").size());
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));

        JsonObject sth = get(log.url() + "/ct/v1/get-sth").json();
        TlsReader signed = new TlsReader(Base64.getDecoder().decode(sth.getString("tree_head_signature")));
        assertEquals(4, signed.uint8(), "hash algorithm sha256");
        assertEquals(3, signed.uint8(), "signature algorithm ecdsa");
        byte[] signature = signed.bytes(signed.uint16());
        assertTrue(signed.done());

        ByteBuffer treeHead = ByteBuffer.allocate(2 + 8 + 8 + 32)
                .put((byte) 0).put((byte) 1)
                .putLong(sth.getLong("timestamp")).putLong(sth.getLong("tree_size"))
                .put(Base64.getDecoder().decode(sth.getString("sha256_root_hash")));
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initVerify(key);
        ecdsa.update(treeHead.array());
        assertTrue(ecdsa.verify(signature), "STH signature must verify over the TreeHeadSignature struct");

        treeHead.putLong(2, sth.getLong("timestamp") + 1);
        ecdsa.initVerify(key);
        ecdsa.update(treeHead.array());
        assertFalse(ecdsa.verify(signature), "a different timestamp must not verify");
    }

    @Test
    void treeHeadRootIsTheMerkleRootOfTheServedLeaves() throws Exception {
        JsonObject sth = get(log.url() + "/ct/v1/get-sth").json();
        long size = sth.getLong("tree_size");
        assertEquals(INITIAL, size);
        MerkleTree tree = new MerkleTree();
        fetchAll(size).forEach(entry -> tree.append(decode(entry.getString("leaf_input"))));

        assertEquals(sth.getString("sha256_root_hash"), Base64.getEncoder().encodeToString(tree.rootHash()));
    }

    @Test
    void getEntriesReturnsAtMostTheBatchCap() throws Exception {
        assertEquals(CAP, get(log.url() + "/ct/v1/get-entries?start=0&end=" + (INITIAL - 1)).json().getJsonArray("entries").size());
        assertEquals(CAP, get(log.url() + "/ct/v1/get-entries?start=10&end=1000000").json().getJsonArray("entries").size());
        assertEquals(5, get(log.url() + "/ct/v1/get-entries?start=3&end=7").json().getJsonArray("entries").size());
        assertEquals(1, get(log.url() + "/ct/v1/get-entries?start=149&end=149").json().getJsonArray("entries").size());
        assertEquals(10, get(log.url() + "/ct/v1/get-entries?start=140&end=1000").json().getJsonArray("entries").size(),
                "end beyond the tree is cut at the tree size");
    }

    @Test
    void getEntriesRejectsBadRangesWithAJsonError() throws Exception {
        for (String query : List.of("start=150&end=160", "start=5&end=4", "start=-1&end=3", "start=abc&end=3", "end=3", "")) {
            Response response = get(log.url() + "/ct/v1/get-entries?" + query);
            assertEquals(400, response.status(), query);
            assertFalse(response.json().getBoolean("success"), query);
            assertFalse(response.json().getString("error_message").isBlank(), query);
        }
        assertEquals(400, get(log.url() + "/ct/v1/get-sth-consistency?first=10&second=151").status());
        assertEquals(400, get(log.url() + "/ct/v1/get-sth-consistency?first=11&second=10").status());
    }

    @Test
    void servedCertificatesParseAndTheirChainsVerify() throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        Set<Integer> chainLengths = new HashSet<>();
        Set<String> leafKeyTypes = new HashSet<>();
        Set<UpdateType> types = new HashSet<>();
        List<JsonObject> served = fetchAll(INITIAL);
        for (int index = 0; index < served.size(); index++) {
            TlsReader leaf = new TlsReader(decode(served.get(index).getString("leaf_input")));
            TlsReader extra = new TlsReader(decode(served.get(index).getString("extra_data")));
            assertEquals(0, leaf.uint8(), "version v1");
            assertEquals(0, leaf.uint8(), "leaf type timestamped_entry");
            long timestamp = leaf.uint64();
            int entryType = leaf.uint16();
            IssuedEntry issued = log.entry(index);
            assertEquals(issued.timestamp(), timestamp);

            X509Certificate certificate;
            List<byte[]> chain;
            if (entryType == 0) {
                certificate = parse(x509, leaf.opaque24());
                chain = extra.certificateList();
                assertNull(certificate.getExtensionValue(POISON), "final certificate " + index + " must not be poisoned");
                assertEquals(UpdateType.X509LogEntry, issued.type());
            } else {
                assertEquals(1, entryType, "entry type of " + index);
                byte[] issuerKeyHash = leaf.bytes(32);
                byte[] tbs = leaf.opaque24();
                certificate = parse(x509, extra.opaque24());
                chain = extra.certificateList();
                assertTrue(certificate.getCriticalExtensionOIDs().contains(POISON), "precert " + index + " must carry the critical poison");
                assertArrayEquals(new byte[] {5, 0}, Arrays.copyOfRange(certificate.getExtensionValue(POISON), 2, 4), "poison is ASN.1 NULL");
                X509Certificate issuer = parse(x509, chain.get(0));
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(issuer.getPublicKey().getEncoded()), issuerKeyHash);
                TBSCertificate logged = TBSCertificate.getInstance(tbs);
                assertArrayEquals(tbs, logged.getEncoded(), "TBS of " + index + " is DER");
                assertEquals(certificate.getSerialNumber(), logged.getSerialNumber().getValue());
                assertNull(logged.getExtensions().getExtension(new ASN1ObjectIdentifier(POISON)), "TBS of " + index + " has no poison");
                assertEquals(certificate.getCriticalExtensionOIDs().size() + certificate.getNonCriticalExtensionOIDs().size() - 1,
                        logged.getExtensions().getExtensionOIDs().length, "TBS of " + index + " keeps every other extension");
                assertEquals(UpdateType.PrecertLogEntry, issued.type());
            }
            assertEquals(0, leaf.uint16(), "no CtExtensions");
            assertTrue(leaf.done() && extra.done(), "no trailing bytes in entry " + index);
            assertArrayEquals(issued.leafDer(), certificate.getEncoded());
            types.add(issued.type());

            chainLengths.add(chain.size());
            leafKeyTypes.add(certificate.getPublicKey().getAlgorithm());
            X509Certificate child = certificate;
            for (byte[] der : chain) {
                X509Certificate parent = parse(x509, der);
                child.verify(parent.getPublicKey());
                assertEquals(parent.getSubjectX500Principal(), child.getIssuerX500Principal());
                child = parent;
            }
            child.verify(child.getPublicKey()); // the chain ends in a self-signed root
            assertTrue(log.roots().stream().anyMatch(root -> Arrays.equals(root, chain.get(chain.size() - 1))));
            assertTrue(certificate.getBasicConstraints() < 0, "leaf " + index + " is not a CA");
            assertTrue(certificate.getSubjectAlternativeNames().size() >= 1 && certificate.getSubjectAlternativeNames().size() <= 42);
        }
        assertEquals(Set.of(2, 3), chainLengths, "chains hold 2 or 3 certificates");
        assertEquals(Set.of("RSA", "EC"), leafKeyTypes);
        assertEquals(Set.of(UpdateType.X509LogEntry, UpdateType.PrecertLogEntry), types);
    }

    @Test
    void issuedEntriesDescribeWhatIsServed() throws Exception {
        List<JsonObject> served = fetchAll(INITIAL);
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        boolean sawIdn = false;
        boolean sawWildcard = false;
        for (int index = 0; index < served.size(); index++) {
            IssuedEntry issued = log.entry(index);
            assertEquals(index, issued.index());
            assertArrayEquals(issued.raw().leafInput(), decode(served.get(index).getString("leaf_input")));
            assertArrayEquals(issued.raw().extraData(), decode(served.get(index).getString("extra_data")));
            X509Certificate certificate = parse(x509, issued.leafDer());
            List<String> expected = new ArrayList<>();
            for (List<?> name : certificate.getSubjectAlternativeNames()) {
                if ((Integer) name.get(0) == 2 && !expected.contains((String) name.get(1))) {
                    expected.add((String) name.get(1));
                }
            }
            String subject = certificate.getSubjectX500Principal().getName();
            String commonName = subject.contains("CN=") ? subject.replaceAll(".*CN=([^,]+).*", "$1") : null;
            if (commonName != null && !expected.contains(commonName)) {
                expected.add(commonName);
            }
            assertEquals(expected, issued.domains(), "domains of entry " + index);
            sawIdn |= issued.domains().stream().anyMatch(d -> d.contains("xn--"));
            sawWildcard |= issued.domains().stream().anyMatch(d -> d.startsWith("*."));
        }
        assertTrue(sawIdn && sawWildcard, "names include IDNs and wildcards");
    }

    @Test
    void sameSeedIssuesTheSameNames() throws Exception {
        SimulatedCtLog twin = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(20).withEntriesPerSecond(0).withSeed(42)));
        try {
            for (int index = 0; index < 20; index++) {
                assertEquals(log.entry(index).domains(), twin.entry(index).domains());
                assertEquals(log.entry(index).type(), twin.entry(index).type());
            }
        } finally {
            await(twin.close());
        }
    }

    @Test
    void logProofsVerifyAgainstItsOwnRoots() throws Exception {
        JsonArray consistency = get(log.url() + "/ct/v1/get-sth-consistency?first=37&second=150").json().getJsonArray("consistency");
        assertTrue(MerkleProofs.verifyConsistency(37, 150, log.rootHash(37), log.rootHash(150), decodeAll(consistency)));

        byte[] leafHash = MerkleTree.leafHash(log.entry(99).raw().leafInput());
        String hash = Base64.getEncoder().encodeToString(leafHash).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
        JsonObject proof = get(log.url() + "/ct/v1/get-proof-by-hash?tree_size=120&hash=" + hash).json();
        assertEquals(99, proof.getLong("leaf_index"));
        assertTrue(MerkleProofs.verifyInclusion(99, 120, leafHash, decodeAll(proof.getJsonArray("audit_path")), log.rootHash(120)));

        JsonObject entryAndProof = get(log.url() + "/ct/v1/get-entry-and-proof?leaf_index=7&tree_size=150").json();
        assertTrue(MerkleProofs.verifyInclusion(7, 150, MerkleTree.leafHash(decode(entryAndProof.getString("leaf_input"))),
                decodeAll(entryAndProof.getJsonArray("audit_path")), log.rootHash(150)));
    }

    @Test
    void getRootsServesTheChainRoots() throws Exception {
        List<byte[]> roots = decodeAll(get(log.url() + "/ct/v1/get-roots").json().getJsonArray("certificates"));
        assertEquals(2, roots.size());
        for (int i = 0; i < roots.size(); i++) {
            assertArrayEquals(log.roots().get(i), roots.get(i));
        }
    }

    @Test
    void logGrowsOverTimeAndOnAppend() throws Exception {
        SimulatedCtLog growing = await(SimulatedCtLog.start(vertx, SimulatedLogOptions.defaults()
                .withInitialSize(4).withEntriesPerSecond(20)));
        try {
            JsonObject first = get(growing.url() + "/ct/v1/get-sth").json();
            assertTrue(first.getLong("tree_size") >= 4);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            JsonObject later = first;
            while (later.getLong("tree_size") < first.getLong("tree_size") + 10 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                later = get(growing.url() + "/ct/v1/get-sth").json();
            }
            assertTrue(later.getLong("tree_size") >= first.getLong("tree_size") + 10, "the log grows by itself");
            assertTrue(later.getLong("timestamp") >= first.getLong("timestamp"));

            long m = first.getLong("tree_size");
            long n = later.getLong("tree_size");
            JsonArray proof = get(growing.url() + "/ct/v1/get-sth-consistency?first=" + m + "&second=" + n).json().getJsonArray("consistency");
            assertTrue(MerkleProofs.verifyConsistency(m, n, decode(first.getString("sha256_root_hash")),
                    decode(later.getString("sha256_root_hash")), decodeAll(proof)));

            long before = growing.size();
            await(growing.append(25));
            assertTrue(growing.size() >= before + 25, "append adds entries before its future completes");
        } finally {
            await(growing.close());
        }
    }

    private static List<JsonObject> fetchAll(long size) throws Exception {
        List<JsonObject> entries = new ArrayList<>();
        while (entries.size() < size) {
            JsonArray batch = get(log.url() + "/ct/v1/get-entries?start=" + entries.size() + "&end=" + (size - 1)).json().getJsonArray("entries");
            assertTrue(batch.size() > 0 && batch.size() <= CAP);
            for (int i = 0; i < batch.size(); i++) {
                entries.add(batch.getJsonObject(i));
            }
        }
        return entries;
    }

    private static X509Certificate parse(CertificateFactory factory, byte[] der) throws Exception {
        return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    }

    private static byte[] decode(String base64) {
        return Base64.getDecoder().decode(base64);
    }

    private static List<byte[]> decodeAll(JsonArray array) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(decode(array.getString(i)));
        }
        return out;
    }

    private record Response(int status, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    private static Response get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
