package io.busbar.jobs.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  private static final String SECRET = "whsec_test";
  private static final long T = 1_700_000_000L;
  private static final byte[] BODY = "{\"id\":\"job-1\",\"state\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signsTimestampDotBodyWithHmacSha256InHex() {
    // expected value computed independently: python3 hmac.new(b"whsec_test", b"1700000000." + body, sha256)
    assertThat(WebhookSignature.sign(SECRET, T, BODY))
        .isEqualTo("t=1700000000,v1=01aa53fe18755765d9b4ba33d9b0d64ce18e67451723e60fe82adb86df85686f");
  }

  @Test
  void verifiesItsOwnSignature() {
    String header = WebhookSignature.sign(SECRET, T, BODY);

    assertThat(WebhookSignature.verify(SECRET, header, BODY, T, 300)).isTrue();
    assertThat(WebhookSignature.verify(SECRET, header, BODY, T + 300, 300)).isTrue();
  }

  @Test
  void rejectsTamperedBody() {
    String header = WebhookSignature.sign(SECRET, T, BODY);
    byte[] tampered = BODY.clone();
    tampered[tampered.length - 3] ^= 1;

    assertThat(WebhookSignature.verify(SECRET, header, tampered, T, 300)).isFalse();
  }

  @Test
  void rejectsTamperedTimestampOrSignature() {
    String header = WebhookSignature.sign(SECRET, T, BODY);
    String otherTime = header.replace("t=" + T, "t=" + (T + 1));
    String otherMac = header.substring(0, header.length() - 1) + (header.endsWith("0") ? "1" : "0");

    assertThat(WebhookSignature.verify(SECRET, otherTime, BODY, T, 300)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, otherMac, BODY, T, 300)).isFalse();
  }

  @Test
  void rejectsWrongSecret() {
    String header = WebhookSignature.sign(SECRET, T, BODY);

    assertThat(WebhookSignature.verify("whsec_other", header, BODY, T, 300)).isFalse();
  }

  @Test
  void rejectsTimestampOutsideTolerance() {
    String header = WebhookSignature.sign(SECRET, T, BODY);

    assertThat(WebhookSignature.verify(SECRET, header, BODY, T + 301, 300)).as("expired").isFalse();
    assertThat(WebhookSignature.verify(SECRET, header, BODY, T - 301, 300)).as("from the future").isFalse();
  }

  @Test
  void acceptsAnyMatchingV1AmongSeveral() {
    String v1 = WebhookSignature.sign(SECRET, T, BODY).split(",")[1];
    String rotated = "t=" + T + ",v1=" + "0".repeat(64) + "," + v1;

    assertThat(WebhookSignature.verify(SECRET, rotated, BODY, T, 300)).isTrue();
  }

  @Test
  void rejectsMalformedHeaders() {
    String v1 = WebhookSignature.sign(SECRET, T, BODY).split(",")[1];

    assertThat(WebhookSignature.verify(SECRET, null, BODY, T, 300)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, "", BODY, T, 300)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, "garbage", BODY, T, 300)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, "t=" + T, BODY, T, 300)).as("no v1").isFalse();
    assertThat(WebhookSignature.verify(SECRET, v1, BODY, T, 300)).as("no t").isFalse();
    assertThat(WebhookSignature.verify(SECRET, "t=-5," + v1, BODY, T, 300)).as("bad t").isFalse();
    assertThat(WebhookSignature.verify(SECRET, v1 + ",t=" + T, BODY, T, 300)).as("t after v1").isFalse();
  }

  @Test
  void rejectsEmptySecretAndNegativeTolerance() {
    assertThatThrownBy(() -> WebhookSignature.sign("", T, BODY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret");
    assertThatThrownBy(() -> WebhookSignature.verify(SECRET, "t=1,v1=00", BODY, T, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toleranceSeconds");
  }
}
