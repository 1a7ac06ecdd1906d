package io.busbar.testsupport;

import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** A Server-Sent Events stream of a node, its text gathered as it arrives, for tests. */
public final class SseStream implements AutoCloseable {

  private final HttpClient client;
  private final HttpClientResponse response;
  private final StringBuffer text;

  private SseStream(HttpClient client, HttpClientResponse response, StringBuffer text) {
    this.client = client;
    this.response = response;
    this.text = text;
  }

  /** Opens {@code GET uri} on {@code node}. */
  public static SseStream open(TestNode node, String uri) {
    HttpClient client = node.vertx().createHttpClient();
    StringBuffer text = new StringBuffer();
    // Requested from an event loop, so that every callback below is attached before the loop can handle a reply,
    // and the body handler is set as the response arrives: no chunk can slip past it. Chained from the test's
    // thread, a callback could be attached after its future completed, and the first chunk (which comes with the
    // headers) was lost now and then (eclipse-vertx/vert.x#5825).
    Promise<HttpClientResponse> opened = Promise.promise();
    node.vertx().getOrCreateContext().runOnContext(v -> client.request(new RequestOptions()
            .setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(node.port()).setURI(uri))
        .compose(r -> r.send()).map(r -> r.handler(chunk -> text.append(chunk.toString())))
        .onComplete(opened));
    return new SseStream(client, Await.result(opened.future()), text);
  }

  public HttpClientResponse response() {
    return response;
  }

  /** Everything received so far. */
  public String text() {
    return text.toString();
  }

  @Override
  public void close() {
    Await.result(client.close());
  }
}
