package io.busbar.jobs.webhook;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A webhook receiver on 127.0.0.1 and a random port. It records every request and answers each
 * one with the next scripted responder, then with the default responder.
 */
final class TestReceiver {

  /** One request as received. */
  record Received(MultiMap headers, byte[] body, long atNanos) {

    String header(String name) {
      return headers.get(name);
    }
  }

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Consumer<HttpServerRequest>> script = new ConcurrentLinkedQueue<>();
  private final Consumer<HttpServerRequest> fallback;
  private final List<Promise<Received>> received = new ArrayList<>();
  private int count;

  private TestReceiver(Vertx vertx, Consumer<HttpServerRequest> fallback) {
    this.fallback = fallback;
    // the sender resets connections whose attempt timed out, and the tests close senders mid-request
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .connectionHandler(conn -> conn.exceptionHandler(e -> { }))
        .requestHandler(this::handle);
  }

  /** Starts a receiver that answers every request with {@code fallback} unless scripted otherwise. */
  static Future<TestReceiver> start(Vertx vertx, Consumer<HttpServerRequest> fallback) {
    TestReceiver receiver = new TestReceiver(vertx, fallback);
    return receiver.server.listen().map(s -> receiver);
  }

  /** Answers with a status and optional header name/value pairs. */
  static Consumer<HttpServerRequest> status(int status, String... headers) {
    return req -> {
      for (int i = 0; i + 1 < headers.length; i += 2) {
        req.response().putHeader(headers[i], headers[i + 1]);
      }
      req.response().setStatusCode(status).end();
    };
  }

  /** Never answers. */
  static Consumer<HttpServerRequest> silent() {
    return req -> { };
  }

  /** The next requests get these responders, in order. */
  TestReceiver then(List<Consumer<HttpServerRequest>> responders) {
    script.addAll(responders);
    return this;
  }

  /** A URL with a path and a query, like real webhook URLs. */
  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/job?token=abc";
  }

  int port() {
    return server.actualPort();
  }

  /** Completes when the request with this 0-based index has arrived and its body was read. */
  synchronized Future<Received> request(int index) {
    return promise(index).future();
  }

  /** Requests received so far. */
  synchronized int count() {
    return count;
  }

  Future<Void> close() {
    return server.close();
  }

  private void handle(HttpServerRequest req) {
    long at = System.nanoTime();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
    req.response().exceptionHandler(e -> { });
    req.body().onSuccess(body -> {
      Consumer<HttpServerRequest> responder = script.poll();
      recordRequest(new Received(headers, body.getBytes(), at));
      (responder == null ? fallback : responder).accept(req);
    });
  }

  private synchronized void recordRequest(Received r) {
    promise(count++).complete(r);
  }

  private Promise<Received> promise(int index) {
    while (received.size() <= index) {
      received.add(Promise.promise());
    }
    return received.get(index);
  }
}
