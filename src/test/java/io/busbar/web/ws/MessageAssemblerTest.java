package io.busbar.web.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Joining WebSocket frames into messages, as bytes, with the transport's size limit. */
class MessageAssemblerTest {

  private final List<String> messages = new ArrayList<>();
  private int tooBig;
  private final MessageAssembler assembler = new MessageAssembler(10, m -> messages.add(m.toString()), () -> tooBig++);

  @Test
  void aWholeFrameIsAMessageTextOrBinary() {
    assembler.handle(WebSocketFrame.textFrame("{}", true));
    assembler.handle(WebSocketFrame.binaryFrame(Buffer.buffer("[1]"), true));

    assertThat(messages).containsExactly("{}", "[1]");
  }

  @Test
  void fragmentsAreJoinedAndControlFramesBetweenThemIgnored() {
    assembler.handle(WebSocketFrame.textFrame("ab", false));
    assembler.handle(WebSocketFrame.pingFrame(Buffer.buffer("x")));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer("cd"), false));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer("ef"), true));
    assembler.handle(WebSocketFrame.textFrame("g", true));

    assertThat(messages).containsExactly("abcdef", "g");
  }

  @Test
  void aMessagePastTheLimitIsReportedOnceAndItsRestSkipped() {
    assembler.handle(WebSocketFrame.textFrame("123456", false));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer("7890a"), false));   // 11 bytes: too big
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer("b"), false));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer("c"), true));
    assembler.handle(WebSocketFrame.textFrame("next", true));

    assertThat(tooBig).isEqualTo(1);
    assertThat(messages).containsExactly("next");
  }

  @Test
  void aSingleFrameAtTheLimitPassesAndOneByteMoreDoesNot() {
    assembler.handle(WebSocketFrame.textFrame("0123456789", true));
    assembler.handle(WebSocketFrame.textFrame("0123456789x", true));

    assertThat(messages).containsExactly("0123456789");
    assertThat(tooBig).isEqualTo(1);
  }

  @Test
  void aNewMessageAfterAnUnfinishedOneStartsAfresh() {
    assembler.handle(WebSocketFrame.textFrame("abc", false));
    assembler.handle(WebSocketFrame.textFrame("xyz", true));

    assertThat(messages).containsExactly("xyz");
  }
}
