package io.certstream.hub.sim;

import io.vertx.core.json.JsonObject;

import java.util.Base64;

/**
 * An RFC 6962 signed tree head as {@code get-sth} serves it.
 *
 * @param treeHeadSignature a TLS DigitallySigned over the TreeHeadSignature struct
 */
public record SignedTreeHead(long treeSize, long timestamp, byte[] rootHash, byte[] treeHeadSignature) {

    public JsonObject toJson() {
        Base64.Encoder base64 = Base64.getEncoder();
        return new JsonObject()
                .put("tree_size", treeSize)
                .put("timestamp", timestamp)
                .put("sha256_root_hash", base64.encodeToString(rootHash))
                .put("tree_head_signature", base64.encodeToString(treeHeadSignature));
    }
}
