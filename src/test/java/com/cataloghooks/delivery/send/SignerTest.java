package com.cataloghooks.delivery.send;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.cataloghooks.testsupport.Signatures.expectedStandardSignature;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The signatures themselves, against the Standard Webhooks spec's published vector and its official library. */
class SignerTest {

    // the test vector the Standard Webhooks specification and its libraries publish
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330L;
    private static final String SPEC_PAYLOAD = "{\"test\": 2432232314}";
    private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void whsecSecretsSignAsTheSpecsTestVectorSays() {
        assertEquals(SPEC_SIGNATURE, Signer.standardSignature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD));
    }

    @Test
    void theOfficialLibraryComputesTheSameSignature() throws Exception {
        assertEquals(new Webhook(SPEC_SECRET).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD),
                Signer.standardSignature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD));
    }

    @Test
    void plainSecretsKeepSigningWithTheirUtf8Bytes() {
        String plain = "my-secret-key";
        assertEquals(expectedStandardSignature(plain, SPEC_ID, Long.toString(SPEC_TIMESTAMP), SPEC_PAYLOAD.getBytes()),
                Signer.standardSignature(plain, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD));
        // and the decoded key is not what a plain secret would give
        assertNotEquals(Signer.standardSignature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD),
                Signer.standardSignature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD));
    }

    @Test
    void aWhsecSecretThatDoesNotDecodeIsUsedAsText() throws Exception {
        String stored = "whsec_not base64!"; // could be stored before secrets were checked
        assertEquals(new Webhook(stored.getBytes(java.nio.charset.StandardCharsets.UTF_8)).sign(SPEC_ID, 1, "{}"),
                Signer.standardSignature(stored, SPEC_ID, 1, "{}"));
    }

    @Test
    void duringARotationBothSecretsSignAndTheOfficialLibraryAcceptsEither() throws Exception {
        String previous = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        OutgoingRequest request = OutgoingRequest.build("http://x/", SPEC_SECRET, previous, Map.of(),
                java.util.UUID.randomUUID(), "product.created", "{\"a\":1}", 5, System.currentTimeMillis() / 1000);
        String[] signatures = request.headers().get("webhook-signature").split(" ");
        assertEquals(2, signatures.length);
        Map<String, List<String>> headers = Map.of(
                "webhook-id", List.of(request.headers().get("webhook-id")),
                "webhook-timestamp", List.of(request.headers().get("webhook-timestamp")),
                "webhook-signature", List.of(request.headers().get("webhook-signature")));
        new Webhook(SPEC_SECRET).verify(request.body(), headers);
        new Webhook(previous).verify(request.body(), headers);
    }
}
